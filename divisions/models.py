from django.db import models
from django.utils.translation import gettext_lazy as _

CITY_CODE = "440800"


class DivisionQuerySet(models.QuerySet):
    def within(self, code: str) -> "DivisionQuerySet":
        """The division with this code and everything under it.

        Statistical codes nest by prefix (county 440802, town 440802001, village 440802001001),
        so a subtree is one indexed prefix match. The city code 440800 is the exception: its
        counties start with 4408.
        """
        return self.filter(code__startswith=code_prefix(code))

    def counties(self):
        return self.filter(level=Division.Level.COUNTY)


def code_prefix(code: str) -> str:
    return code[:4] if code == CITY_CODE else code


class Division(models.Model):
    class Level(models.TextChoices):
        CITY = "city", _("City")
        COUNTY = "county", _("County-level unit")
        TOWN = "town", _("Town")
        VILLAGE = "village", _("Village")

    code = models.CharField(_("code"), max_length=12, primary_key=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    objects = DivisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("division")
        verbose_name_plural = _("divisions")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("divisions:options") + f"?parent={self.code}"

    @property
    def county_code(self) -> str:
        return self.code[:6]

    def path(self) -> list["Division"]:
        """County, town, village down to this one (the city left out)."""
        codes = [c for c in (self.code[:6], self.code[:9], self.code[:12]) if len(c) <= len(self.code)]
        found = {d.code: d for d in Division.objects.filter(code__in=set(codes))}
        return [found[c] for c in dict.fromkeys(codes) if c in found]

    def full_name(self) -> str:
        return "".join(d.name for d in self.path())
