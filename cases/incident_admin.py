# Admin of discovery reports (发现报告): see the incident issue.
