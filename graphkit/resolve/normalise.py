"""Normalisation of names, company names, address parts, documents and phones.

Pure, vectorised functions (pandas Series in, Series out, Arrow-backed strings): each turns the many
ways source systems write one value into one comparable form. They never decide a match; the
models in :mod:`graphkit.resolve.persons`, :mod:`~graphkit.resolve.organisations` and
:mod:`~graphkit.resolve.places` compare what they return.

Examples
--------
>>> import pandas as pd
>>> normalise_names(pd.Series(["Dr. Mohd Rizal bin Abdullah", "Müller, Jürgen"])).tolist()
['muhammad rizal abdullah', 'muller jurgen']
>>> normalise_companies(pd.Series(["PT. Sinar Jaya, Tbk", "Unilever N.V.", "Acme Sdn. Bhd."])).tolist()
['sinar jaya', 'unilever', 'acme']
>>> normalise_addresses(pd.Series(["JALAN Mawar Nomor 3 RT 05/RW 02"])).tolist()
['jalan mawar no 3 rt 5 rw 2']
>>> normalise_cities(pd.Series(["Kota Palembang", "OKI", "Kab. Musi Banyuasin"])).tolist()
['palembang', 'ogan komering ilir', 'musi banyuasin']
>>> normalise_phones(pd.Series(["+62711669387", "(0711) 669387", "0812-7374-2378"])).tolist()
['711669387', '711669387', '81273742378']
"""

from __future__ import annotations

import pandas as pd
from anyascii import anyascii

_STRING = pd.StringDtype("pyarrow")
_NON_WORD = r"[^0-9a-z]+"

# Titles and honorifics say nothing about who someone is.
_HONORIFICS = ("mr", "mrs", "ms", "miss", "mdm", "madam", "dr", "prof", "sir", "haji", "hajjah", "hj", "hjh",
               "tuan", "puan", "encik", "cik", "datuk", "dato", "datin", "tan sri", "ir", "drs", "sdr", "sdri")
# Patronymic particles: written by one system, dropped by the next.
_PARTICLES = ("bin", "binti", "binte", "bte", "bt", "ibn", "al", "el", "a l", "a p", "s o", "d o")
# Transliterations of one name, unified to one spelling (the first).
_NAME_SPELLINGS = {
    "muhammad": ("mohammed", "mohammad", "mohamed", "mohamad", "muhammed", "muhamad", "mohd", "muhd", "mohamud",
                 "mohummad", "md", "mhd"),
    "abdul": ("abd", "abdel", "abdal"),
    "ahmad": ("ahmed", "ahmet"),
    "yusuf": ("yusof", "yousef", "yousuf", "youssef"),
    "hasan": ("hassan",),
    "husain": ("hussain", "hussein", "husein", "husin"),
    "othman": ("osman", "usman", "uthman"),
    "aisyah": ("aishah", "aisha", "aishah", "ayesha"),
}
# German and Dutch umlaut spellings (Mueller) meet their transliterated form (Müller -> Muller).
_DIGRAPHS = ((r"ue", "u"), (r"oe", "o"), (r"ae", "a"))

# Legal forms, Indonesian and international: the same company with or without them.
_COMPANY_FORMS = (
    "pt", "cv", "tbk", "persero", "perum", "ud", "firma", "fa", "pd", "koperasi", "yayasan",
    "nv", "bv", "gmbh", "ag", "kg", "se", "sa", "sas", "sarl", "spa", "srl", "ab", "as", "oy", "plc",
    "ltd", "limited", "llc", "llp", "inc", "incorporated", "corp", "corporation", "co", "company",
    "sdn bhd", "bhd", "pte", "pty", "kk", "kabushiki kaisha", "sl", "sp z o o", "oyj", "asa",
    # the same forms written with spaces between their letters (B. V., N V, S.p.A.)
    "b v", "n v", "s a", "a g", "s p a", "s r l", "g m b h", "p t", "c v", "naamloze vennootschap",
    "besloten vennootschap", "aktiengesellschaft", "gesellschaft mit beschrankter haftung",
)

_ADDRESS_WORDS = [
    (r"\b(jl|jln|jalan)\b", "jalan"),
    (r"\b(no|nomor|nomer|nmr|nr)\b", "no"),
    (r"\b(gg|gang)\b", "gang"),
    (r"\b(lr|lrg|lorong)\b", "lorong"),
    (r"\b(perum|perumahan)\b", "perum"),
    (r"\b(blk|blok)\b", "blok"),
    (r"\b(komp|kompleks|komplek)\b", "kompleks"),
    (r"\b(jend|jendral|jenderal)\b", "jenderal"),
    (r"\b(kpt|kapt|kapten)\b", "kapten"),
    (r"\b(kel|kelurahan|desa|ds)\b", "kelurahan"),
    (r"\b(kec|kecamatan)\b", "kecamatan"),
    # no group references nor "\s" (only spaces are left here): those fall back to Python's re, row by row
    (r"\brt *0*", "rt "),
    (r"\brw *0*", "rw "),
]
# Regency and city names as written by different offices.
_CITY_ALIASES = {
    "oki": "ogan komering ilir", "oku": "ogan komering ulu", "oku timur": "ogan komering ulu timur",
    "oku selatan": "ogan komering ulu selatan", "muba": "musi banyuasin", "mura": "musi rawas",
    "muratara": "musi rawas utara", "pali": "penukal abab lematang ilir", "plg": "palembang",
    "lubuk linggau": "lubuklinggau", "pagar alam": "pagaralam", "muara enim": "muara enim",
}


def _ascii(s: pd.Series) -> pd.Series:
    """Lower-case ASCII: only the non-ASCII distinct values go through ``anyascii`` (it is per string)."""
    s = s.astype(_STRING).fillna("")
    wide = s.str.contains(r"[^\x00-\x7f]", regex=True)
    if wide.any():
        s = s.copy()
        s[wide] = _unique_map(s[wide], anyascii)
    return s.str.lower()


def _words(s: pd.Series) -> pd.Series:
    """Lower-case ASCII, anything but letters and digits as single spaces, trimmed."""
    return _ascii(s).str.replace(_NON_WORD, " ", regex=True).str.strip()


def _squash(s: pd.Series) -> pd.Series:
    # every caller turned all but letters and digits into spaces first, so spaces are the only
    # whitespace left: " {2,}" runs in Arrow, where pandas sends "\s" to Python's re row by row
    return s.str.replace(r" {2,}", " ", regex=True).str.strip()


def _drop_words(s: pd.Series, words) -> pd.Series:
    pattern = r"\b(" + "|".join(w.replace(" ", r"\s") for w in sorted(words, key=len, reverse=True)) + r")\b"
    return s.str.replace(pattern, " ", regex=True)


def _on_distinct(f):
    """Run the vectorised ``f`` once per distinct value (names and addresses repeat a lot)."""
    def wrapped(values: pd.Series) -> pd.Series:
        codes, uniques = pd.factorize(values.astype(_STRING), use_na_sentinel=False)
        done = f(pd.Series(uniques, dtype=_STRING)).to_numpy(object)
        return pd.Series(done[codes], index=values.index, dtype=_STRING)
    wrapped.__doc__, wrapped.__name__ = f.__doc__, f.__name__
    return wrapped


@_on_distinct
def normalise_names(names: pd.Series) -> pd.Series:
    """Person names: transliterated to ASCII, without case, punctuation, honorifics and patronymic
    particles, one spelling for common transliterations (Mohd, Mohammed -> muhammad), umlaut digraphs
    folded (Mueller -> muller); word order kept (see :func:`name_key`)."""
    joined = _ascii(names).str.replace(r"(?<=[a-z])-(?=[a-z])", "", regex=True)  # Min-jun = Minjun
    out = joined.str.replace(_NON_WORD, " ", regex=True).str.strip()
    out = _drop_words(_drop_words(out, _HONORIFICS), _PARTICLES)
    for canon, spellings in _NAME_SPELLINGS.items():
        out = out.str.replace(r"\b(" + "|".join(spellings) + r")\b", canon, regex=True)
    for pattern, repl in _DIGRAPHS:
        out = out.str.replace(pattern, repl, regex=False)
    return _squash(out)


def name_key(normalised: pd.Series) -> pd.Series:
    """The words of a normalised name in alphabetical order: blind to family-name-first order.

    >>> name_key(pd.Series(["zhang wei", "wei zhang", ""])).tolist()
    ['wei zhang', 'wei zhang', '']
    """
    keys = _unique_map(normalised.fillna(""), lambda v: " ".join(sorted(v.split())))
    return pd.Series(keys, index=normalised.index, dtype=_STRING)


# Letters that romanisations of one sound disagree on (Pinyin / Wade-Giles: zhu / chu, xu / hsu,
# deng / teng, jianhua / chienhua; Mueller / Muller is already folded), then vowels, w and y dropped.
_SOUNDS = ((r"(tch|sch|tsz|tz|ts|zh|ch|sh|hs|x|j|q|z|c(?=[eiy]))", "s"), (r"(ph|b)", "p"), (r"(th|dh|d)", "t"),
           (r"(kh|gh|ck|c|g|q)", "k"), (r"v", "f"), (r"(?<=\w)h", ""), (r"(?<=\w)[aeiouwy]+", ""),
           (r"(\w)\1+", r"\1"))


# Chinese surnames as Cantonese, Hokkien, Teochew or Hakka speakers write them, by their Mandarin
# (pinyin) reading: one family name, romanised from another dialect (Wong Bin is Huang Bin).
# Where one spelling stands for several surnames (Wong: Huang or Wang) the commonest reading is kept.
_SURNAME_READINGS = {
    "chen": ("chan", "tan", "chin"), "huang": ("wong", "wee", "oei"), "wu": ("ng", "goh", "ngo"),
    "zhang": ("cheung", "chong", "teo", "teoh"), "liang": ("leung", "neo"), "liu": ("lau", "low", "lao"),
    "yang": ("yeung", "yeo", "yong"), "lin": ("lam", "lim"), "guo": ("kwok", "kuok", "quek", "kok"),
    "xie": ("tse", "chia", "cheah"), "zeng": ("tsang", "chan"), "zhou": ("chow", "chau", "chew"),
    "xu": ("koh", "khor", "hui"), "wang": ("ong", "heng"), "li": ("lee", "lei"), "ye": ("yip", "yap", "yeh"),
    "mai": ("mak",), "tan": ("tam",), "fang": ("fong", "pang"), "zheng": ("cheng", "teh", "tay"),
    "cai": ("choi", "tsoi", "chua", "chuah"), "deng": ("tang",), "lu": ("loh", "lo"), "luo": ("law", "lo"),
    "he": ("ho", "hoe"), "hu": ("woo", "oh"), "su": ("soh", "so"), "feng": ("fung",), "sun": ("suen", "soon"),
    "zhu": ("chu", "choo", "chee"), "gao": ("ko", "kou"), "cao": ("tso", "tsao", "chor"),
}
_READING_OF = {}
for _reading, _spellings in _SURNAME_READINGS.items():
    for _spelling in _spellings:
        _READING_OF.setdefault(_spelling, _reading)  # a spelling of two surnames keeps the first listed


def name_sound(normalised: pd.Series) -> pd.Series:
    """A name as it sounds, blind to romanisation and word order: consonant skeletons of its words,
    sorted (a word keeps its first letter, so ``ali`` is not ``lee``); a Chinese surname written in
    another dialect's romanisation is read as its Mandarin form first (``wong`` as ``huang``).

    >>> name_sound(pd.Series(["he xiaoyan", "ho hsiaoyen", "yong zhu", "chu yong", "ali hassan"])).tolist()
    ['h sn', 'h sn', 's ynk', 's ynk', 'al hsn']
    >>> name_sound(pd.Series(["wong bin", "huang bin", "ng mei", "wu mei"])).tolist()
    ['hnk pn', 'hnk pn', 'm w', 'm w']
    """
    read = pd.Series(_unique_map(_ascii(normalised), lambda v: " ".join(_READING_OF.get(w, w) for w in v.split())),
                     index=normalised.index, dtype=_STRING)
    out = read
    for pattern, repl in _SOUNDS:
        out = out.str.replace(pattern, repl, regex=True)
    return name_key(out)


def _unique_map(s: pd.Series, f):
    """``f`` over each distinct value once, spread back over ``s`` (names repeat a lot)."""
    codes, uniques = pd.factorize(s, use_na_sentinel=False)
    mapped = pd.Series([f(v) for v in uniques], dtype=object)
    return mapped.to_numpy()[codes]


def normalise_company(name: str) -> str:
    """A company name without legal forms, punctuation, case or extra spaces."""
    return normalise_companies(pd.Series([name])).iloc[0]


@_on_distinct
def normalise_companies(names: pd.Series) -> pd.Series:
    """Vectorised :func:`normalise_company` (``N.V.``, ``Sdn. Bhd.``, ``GmbH``, ``PT``, ``Tbk`` dropped)."""
    out = _ascii(names).str.replace(r"(?<=\b\w)\.(?=\w\b)", "", regex=True)  # N.V. -> NV., B.V. -> BV.
    out = out.str.replace(r"\b(\w)\.(\w)\.", r"\1\2", regex=True)
    out = out.str.replace("&", " and ", regex=False).str.replace(_NON_WORD, " ", regex=True)
    return _squash(_drop_words(out, _COMPANY_FORMS))


def normalise_address(line: str) -> str:
    """An address line with Indonesian abbreviations unified, punctuation, case and spacing dropped."""
    return normalise_addresses(pd.Series([line])).iloc[0]


@_on_distinct
def normalise_addresses(lines: pd.Series) -> pd.Series:
    """Vectorised :func:`normalise_address` (jalan, gang, lorong, perum, blok, no, RT/RW, ...)."""
    out = _words(lines)
    for pattern, repl in _ADDRESS_WORDS:
        out = out.str.replace(pattern, repl, regex=True)
    return _squash(out)


def normalise_cities(cities: pd.Series) -> pd.Series:
    """City and regency names: ``Kota``/``Kabupaten`` dropped and aliases (OKI, Muba) spelled out."""
    out = _squash(_drop_words(_words(cities), ("kota", "kabupaten", "kab", "kotamadya", "city", "regency")))
    return pd.Series(_unique_map(out, lambda v: _CITY_ALIASES.get(v, v)), index=out.index, dtype=_STRING)


def normalise_documents(values: pd.Series) -> pd.Series:
    """Document and registration numbers: letters and digits only, upper case."""
    return values.astype(_STRING).fillna("").str.upper().str.replace(r"[^0-9A-Z]", "", regex=True)


def normalise_phones(values: pd.Series) -> pd.Series:
    """Phone numbers as digits without the country code (+62) or the trunk zero."""
    digits = values.astype(_STRING).fillna("").str.replace(r"[^0-9]", "", regex=True)
    return digits.str.replace(r"^(62|0)", "", regex=True)
