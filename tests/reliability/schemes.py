"""Small coding schemes for reliability tests, in the scheme JSON format."""

TALK = {
    "slug": "talk",
    "name": "Client talk",
    "speaker": "client",
    "multiple": False,
    "codes": [
        {"abbreviation": "CT", "name": "Change talk", "key": "c"},
        {"abbreviation": "ST", "name": "Sustain talk", "key": "s"},
    ],
}

FLAGS = {
    "slug": "flags",
    "name": "Flags",
    "speaker": "any",
    "multiple": True,
    "codes": [{"abbreviation": "X", "name": "Crosstalk", "key": "x"}],
}


def scheme(slug: str, name: str, *dimensions: dict) -> dict:
    return {
        "slug": slug,
        "name": name,
        "version": "1",
        "dimensions": list(dimensions),
        "globals": [],
        "summary_scores": [],
    }
