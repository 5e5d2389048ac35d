# Risk assessments (风险评估): see the registry issue. Imported at the bottom of children/models.py.
__all__: list[str] = []
