"""Finding divisions by the names people write (a ledger's 县/镇/村 cells, or one place written in
one cell): county names with or without 区/县/市, towns without 镇/街道, villages without 村民委员会.
"""

import unicodedata

from .models import Division


def compact_name(text) -> str:
    """A written name compared loosely: full-width made half-width, no spaces or zero-width characters."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    return "".join(text.replace("\u200b", "").replace("\ufeff", "").split())


_CITY_PREFIXES = ("广东省湛江市", "广东湛江市", "广东省", "湛江市", "湛江")
_COUNTY_SUFFIXES = ("区", "县", "市")
_TOWN_SUFFIXES = ("街道办事处", "街道办", "街道", "镇", "乡")
_VILLAGE_SUFFIXES = ("村民委员会", "居民委员会", "村委会", "居委会", "社区居委", "村委", "居委", "委员会")
_VILLAGE_TYPE_SUFFIXES = ("村民委员会", "村委会", "村委")


def _strip_suffix(name: str, suffixes) -> tuple[str, str]:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix
    return name, ""


def _strip_city(name: str) -> str:
    for prefix in _CITY_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix):]
    return name


def _division_keys(division: Division) -> set[str]:
    """The names a ledger may use for a division: its name, the name without its administrative
    suffix, and for villages the forms people say (特呈村委会 → 特呈村, 特呈; 南方社区居民委员会 →
    南方社区, 南方)."""
    name = compact_name(division.name)
    keys = {name, _strip_city(name)}  # 湛江奋勇高新技术产业开发区 is also written 奋勇高新技术产业开发区
    name = _strip_city(name)
    if division.level == Division.Level.COUNTY:
        keys.add(_strip_suffix(name, _COUNTY_SUFFIXES)[0])
    elif division.level == Division.Level.TOWN:
        keys.add(_strip_suffix(name, _TOWN_SUFFIXES)[0])
    elif division.level == Division.Level.VILLAGE:
        core, suffix = _strip_suffix(name, _VILLAGE_SUFFIXES)
        keys.add(core)
        if suffix in _VILLAGE_TYPE_SUFFIXES:
            keys.add(core + "村")
            if core.endswith("村") and len(core) > 2:
                keys.add(core[:-1])
        if core.endswith("社区") and len(core) > 2:
            keys.update({core[:-2], core[:-2] + "居"})
        elif suffix and suffix not in _VILLAGE_TYPE_SUFFIXES:
            keys.add(core + "社区")
    return keys


def _input_keys(text: str, level: str) -> list[str]:
    """What to look a written name up by: as written, without 湛江市, then also without its suffix."""
    name = _strip_city(compact_name(text))
    suffixes = {"county": _COUNTY_SUFFIXES, "town": _TOWN_SUFFIXES, "village": _VILLAGE_SUFFIXES}[level]
    return list(dict.fromkeys([compact_name(text), name, _strip_suffix(name, suffixes)[0]]))


class DivisionNotFound(ValueError):
    pass


class DivisionAmbiguous(ValueError):
    def __init__(self, candidates: list[Division]):
        super().__init__(candidates)
        self.candidates = candidates


class DivisionMatcher:
    """Finds divisions by the names a ledger uses. Loads every division of the city once."""

    def __init__(self):
        self.divisions: dict[str, Division] = {}
        self.keys: dict[str, set[str]] = {}
        self.by_level: dict[str, list[Division]] = {}
        # level → written name → divisions: the exact names, then every key (南方, 特呈村 …)
        self.exact: dict[str, dict[str, list[Division]]] = {}
        self.index: dict[str, dict[str, list[Division]]] = {}
        self.cache: dict[tuple, Division | Exception] = {}
        for division in Division.objects.exclude(level=Division.Level.CITY):
            self.divisions[division.code] = division
            self.keys[division.code] = _division_keys(division)
            self.by_level.setdefault(division.level, []).append(division)
            self.exact.setdefault(division.level, {}).setdefault(compact_name(division.name), []).append(division)
            for key in self.keys[division.code]:
                self.index.setdefault(division.level, {}).setdefault(key, []).append(division)

    def _find(self, text: str, level: str, within: Division | None) -> Division:
        def inside(divisions):
            return [d for d in divisions if within is None or d.code.startswith(within.code)]

        for key in _input_keys(text, level):
            exact = inside(self.exact.get(level, {}).get(key, []))
            if len(exact) == 1:
                return exact[0]
            found = inside(self.index.get(level, {}).get(key, []))
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise DivisionAmbiguous(sorted(found, key=lambda d: d.code))
        raise DivisionNotFound(text)

    def match(self, *, county: str = "", town: str = "", village: str = "") -> Division | None:
        """The deepest division named by the three cells, each one checked to lie in the one
        above it. A missing level is inferred when the lower name is unique (a village named
        without its town is accepted when only one village of that county has that name).
        Raises DivisionNotFound or DivisionAmbiguous; all three empty → None."""
        county, town, village = compact_name(county), compact_name(town), compact_name(village)
        if not (county or town or village):
            return None
        key = (county, town, village)
        if key not in self.cache:  # a ledger names the same few villages over and over
            try:
                self.cache[key] = self._match(county, town, village)
            except (DivisionNotFound, DivisionAmbiguous) as exc:
                self.cache[key] = exc
        if isinstance(self.cache[key], Exception):
            raise self.cache[key]
        return self.cache[key]

    def _match(self, county: str, town: str, village: str) -> Division:
        found = None
        if county:
            found = self._find(county, "county", None)
        if town:
            found = self._find(town, "town", found)
        if village:
            found = self._find(village, "village", found)
        return found

    def match_text(self, text: str) -> tuple[Division | None, str]:
        """A place written in one cell (湛江市雷州市附城镇北门村12号): the deepest division its
        beginning names, and the rest of the text (the street address)."""
        rest = _strip_city(compact_name(text))
        found = None
        for level in ("county", "town", "village"):
            best: dict[str, int] = {}
            for division in self.by_level.get(level, []):
                if found is not None and not division.code.startswith(found.code):
                    continue
                for key in self._written_forms(division):
                    if len(key) >= 2 and rest.startswith(key) and len(key) > best.get(division.code, 0):
                        best[division.code] = len(key)
            if not best:
                if level == "village":
                    break
                continue  # the county or town may be left out: 附城镇北门村, 霞山区特呈村
            longest = max(best.values())
            winners = [self.divisions[code] for code, length in best.items() if length == longest]
            if len(winners) > 1:
                raise DivisionAmbiguous(sorted(winners, key=lambda d: d.code))
            found = winners[0]
            rest = rest[longest:]
        return found, rest

    def _written_forms(self, division: Division) -> set[str]:
        keys = self.keys[division.code]
        if division.level == Division.Level.TOWN:
            core = _strip_suffix(compact_name(division.name), _TOWN_SUFFIXES)[0]
            return keys | {core + s for s in _TOWN_SUFFIXES}
        if division.level == Division.Level.VILLAGE:
            return keys | {k + s for k in keys for s in _VILLAGE_SUFFIXES}
        return keys

    def describe(self, division: Division) -> str:
        """County, town and village names in one string: 赤坎区中华街道南方社区居民委员会."""
        codes = (division.code[:6], division.code[:9], division.code)
        return "".join(dict.fromkeys(self.divisions[c].name for c in codes if c in self.divisions))

