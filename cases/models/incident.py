# Discovery and mandatory reports (发现报告 / 强制报告): see the incident issue.
__all__: list[str] = []
