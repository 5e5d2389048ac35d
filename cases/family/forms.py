from ..forms import ServiceRecordForm
from ..models import DirectService, ServiceType


class DirectServiceForm(ServiceRecordForm):
    """A case service's form, for a family service recorded without a case: only the family service types."""

    class Meta(ServiceRecordForm.Meta):
        model = DirectService

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_type"].queryset = ServiceType.objects.filter(active=True, with_family=True)
