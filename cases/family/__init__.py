"""Family services without a case (家庭教育指导, 家庭矛盾调解 recorded on the child), a topic of the cases app.

The model is cases/models/direct_service.py; the service figures (cases/stats.py) count these records
together with a case's service records. See docs/cases.md "Services without a case".
"""
