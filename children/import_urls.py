# Ledger import and export views: see the registry issue.
urlpatterns: list = []
