"""A seeded, deterministic synthetic corpus for benchmarks (never for quality figures).

Each drug gets one page per template, so every drug has two or more sources:

* ``default``: bold-label paragraphs (``**Usage:**``), effects as prose and bullets,
  and for combinations one bold block per component, as the real default site does;
* ``minimal-medicine``: ``###`` headings, a Dosage section with schedules, a renal
  table and frequency-banded side-effect lists.

Sizes follow the real site (about 4-8 KB a page, median near 5 KB): the text is drawn
from phrase pools with a fixed seed, so the same arguments always write the same bytes.
"""

from __future__ import annotations

import random
from pathlib import Path

EFFECTS = [
    "nausea",
    "vomiting",
    "headache",
    "dizziness",
    "drowsiness",
    "diarrhea",
    "constipation",
    "dry mouth",
    "fatigue",
    "insomnia",
    "rash",
    "itching",
    "weight gain",
    "weight loss",
    "blurred vision",
    "abdominal pain",
    "indigestion",
    "loss of appetite",
    "tremor",
    "sweating",
    "anxiety",
    "muscle pain",
    "joint pain",
    "back pain",
    "cough",
    "sore throat",
    "runny nose",
    "swelling of the ankles",
    "hair loss",
    "palpitations",
    "low blood pressure",
    "high blood pressure",
    "fever",
    "chills",
    "confusion",
    "hallucinations",
    "seizures",
    "liver damage",
    "jaundice",
    "kidney problems",
    "low sodium",
    "high potassium",
    "bleeding",
    "bruising",
    "anemia",
    "chest pain",
    "shortness of breath",
    "fainting",
    "depression",
    "mood changes",
    "agitation",
    "sexual dysfunction",
    "hot flashes",
    "ringing in the ears",
    "taste disturbance",
    "stomach upset",
    "heartburn",
    "bloating",
    "flatulence",
    "muscle cramps",
    "numbness",
    "tingling",
    "photosensitivity",
    "hives",
    "angioedema",
    "anaphylaxis",
    "pancreatitis",
    "Stevens-Johnson syndrome",
    "irregular heartbeat",
    "slow heart rate",
    "nosebleeds",
    "dark urine",
    "pale stools",
    "yellowing of the skin",
    "memory problems",
    "restlessness",
    "nightmares",
    "acne",
]
CONDITIONS = [
    "high blood pressure",
    "type 2 diabetes",
    "major depressive disorder",
    "epilepsy",
    "migraine",
    "rheumatoid arthritis",
    "osteoarthritis",
    "asthma",
    "heart failure",
    "atrial fibrillation",
    "hypothyroidism",
    "gout",
    "urinary tract infections",
    "community-acquired pneumonia",
    "generalized anxiety disorder",
    "schizophrenia",
    "bipolar disorder",
    "neuropathic pain",
    "psoriasis",
    "acne vulgaris",
    "gastroesophageal reflux disease",
    "peptic ulcers",
    "angina",
    "high cholesterol",
    "insomnia",
    "allergic rhinitis",
    "chronic obstructive pulmonary disease",
    "osteoporosis",
    "overactive bladder",
    "benign prostatic hyperplasia",
]
STEMS = [
    "amlo",
    "beta",
    "cari",
    "dolo",
    "eza",
    "flu",
    "gala",
    "hydro",
    "iso",
    "keto",
    "lami",
    "meto",
    "nebi",
    "olme",
    "pravo",
    "quina",
    "rami",
    "sota",
    "telmi",
    "vala",
    "zolpi",
    "cefa",
    "doxy",
    "levo",
    "mira",
    "nora",
    "opti",
    "peri",
    "rosu",
    "tria",
]
SUFFIXES = [
    "pril",
    "sartan",
    "olol",
    "statin",
    "oxetine",
    "azepam",
    "mycin",
    "cillin",
    "floxacin",
    "tidine",
    "prazole",
    "dipine",
    "gliptin",
    "mab",
    "triptan",
    "vir",
    "zole",
    "lukast",
]
FILLER = [
    "Take this medicine exactly as your doctor tells you and read the leaflet that comes with it.",
    "Tell your doctor about every other medicine you take, including vitamins and herbal products.",
    "Do not stop taking it suddenly without talking to your doctor first.",
    "Keep all appointments so that your doctor can check your progress and blood tests.",
    "It may take a few weeks before you notice the full benefit of the treatment.",
    "Store the tablets at room temperature, away from moisture, heat and direct light.",
    "If you miss a dose, take it as soon as you remember unless it is almost time for the next one.",
    "Alcohol can make some side effects worse, so limit how much you drink while on treatment.",
    "Pregnant or breastfeeding women should discuss the risks and benefits with their doctor.",
    "Older adults may be more sensitive to the effects of this medicine.",
]
FAQ_QUESTIONS = [
    "Can I drink alcohol while taking it?",
    "How long does it take to work?",
    "Can I stop taking it suddenly?",
    "Is it safe in pregnancy?",
    "Can I drive?",
    "What if I miss a dose?",
    "Does it cause weight gain?",
    "Can children take it?",
]
BANDS = [
    ("Very common (more than 1 in 10 people)", 4),
    ("Common (1 to 10 in 100 people)", 6),
    ("Uncommon (1 to 10 in 1,000 people)", 4),
    ("Rare (less than 1 in 1,000 people)", 3),
]


def drug_names(count: int, rng: random.Random) -> list[str]:
    """Distinct invented drug names; about one in six is a two-component combination."""
    names: list[str] = []
    seen: set[str] = set()
    index = 0
    while len(names) < count:
        stem, suffix = rng.choice(STEMS), rng.choice(SUFFIXES)
        name = (
            f"{stem}{suffix}" if index < len(STEMS) * len(SUFFIXES) else f"{stem}x{index}{suffix}"
        )
        index += 1
        name = name if name not in seen else f"{name}{index}"
        seen.add(name)
        names.append(name)
    combined: list[str] = []
    for position, name in enumerate(names):
        if position % 6 == 5 and position > 0:
            combined.append(f"{name} + {names[position - 1]}")
        else:
            combined.append(name)
    return combined


def _title(name: str) -> str:
    return " + ".join(part.capitalize() for part in name.split(" + "))


def _effects(rng: random.Random, count: int) -> list[str]:
    return rng.sample(EFFECTS, count)


def _filler(rng: random.Random, sentences: int) -> str:
    return " ".join(rng.choice(FILLER) for _ in range(sentences))


def _dose(rng: random.Random) -> int:
    return rng.choice([5, 10, 20, 25, 40, 50, 100, 200, 250, 500])


def default_page(name: str, rng: random.Random) -> str:
    """The default site's shape: bold labels, prose and bullets, a block per component."""
    title = _title(name)
    components = name.split(" + ")
    conditions = rng.sample(CONDITIONS, 2)
    lines = ["---", "layout: default", "nav_exclude: true", f"title: {title}", "---", ""]
    lines += [f"# {title}", "", f"**Generic Name:** {title}", ""]
    lines += [
        f"**Usage:** {title} is used to treat {conditions[0]} in adults, and together with "
        f"other medicines to manage {conditions[1]}. It is not approved for "
        f"{rng.choice(CONDITIONS)}. {_filler(rng, 2)}",
        "",
    ]
    dose = _dose(rng)
    lines += [
        f"**Dosage:** The usual starting dose is {dose} mg once daily, increased after "
        f"{rng.choice([1, 2, 4])} weeks to {dose * 2} mg once daily if needed. Do not take "
        f"more than {dose * 4} mg a day. {_filler(rng, 1)}",
        "",
        "**Side Effects:**",
        "",
    ]
    for component in components:
        effects = _effects(rng, rng.randint(6, 10))
        lines.append(
            f"* **{component.capitalize()}:** {', '.join(effects[:-1])} and {effects[-1]}. "
            f"{rng.choice(FILLER)}"
        )
    serious = _effects(rng, 4)
    lines += ["", "**Serious side effects** are rare but include:"]
    lines += [f"* {effect.capitalize()}." for effect in serious]
    lines += ["", f"**How it Works:** {_filler(rng, 6)}", "", "**FAQs:**", ""]
    for question in rng.sample(FAQ_QUESTIONS, 6):
        lines += [f"* **{question}** {_filler(rng, 4)}", ""]
    lines += [
        f"**Disclaimer:** {rng.choice(FILLER)}",
        "",
        "**Note:** This information is AI-generated or crowd-sourced and may not be accurate. "
        "Please consult a medical professional for verified advice.",
        "",
    ]
    return "\n".join(lines)


def minimal_page(name: str, rng: random.Random) -> str:
    """The minimal-medicine shape: ### headings, a Dosage section, banded effect lists."""
    title = _title(name)
    conditions = rng.sample(CONDITIONS, 3)
    dose = _dose(rng)
    lines = ["---", "layout: minimal-medicine", f"title: {title}", "---", ""]
    lines += [f"# {title}", "### Generic Name", title, "", "### Usage", _filler(rng, 1), ""]
    lines += [f"* **{c.capitalize()}:** {_filler(rng, 1)}" for c in conditions]
    lines += ["", "### Dosage", f"{title} is taken by mouth, with or without food.", ""]
    lines += [
        f"**{conditions[0].capitalize()} (adults)**",
        f"- Starting dose: {dose} mg once daily.",
        f"- The dose may be increased every {rng.choice([1, 2])} weeks to {dose * 2} mg twice daily.",
        f"- Maximum dose: {dose * 4} mg/day.",
        "",
        "**Children 6 to 11 years**",
        f"- {rng.choice([1, 2, 5])} mg/kg once daily, up to {dose} mg a day.",
        "",
        "**Kidney impairment (adults)**",
        "",
        "| Creatinine clearance (mL/min) | Dose |",
        "|---|---|",
        f"| 30 or higher | {dose} mg once daily (no adjustment) |",
        f"| below 30 | {dose // 2 or 1} mg once daily |",
        "",
        "### Side Effects",
    ]
    effects = iter(_effects(rng, sum(count for _, count in BANDS)))
    for band, count in BANDS:
        lines.append(f"**{band}:**")
        for effect in (next(effects) for _ in range(count)):
            lines.append(f"- **{effect.capitalize()}** – {rng.choice(FILLER).lower()}")
        lines.append("")
    lines += ["### How it Works", _filler(rng, 5), "", "### FAQs"]
    for question in rng.sample(FAQ_QUESTIONS, 5):
        lines += [f"**{question}**", _filler(rng, 3), ""]
    return "\n".join(lines)


def write_corpus(target: Path, pages: int, seed: int = 13) -> list[Path]:
    """Write ``pages`` pages (two per drug, one per template) under target; same seed, same bytes."""
    rng = random.Random(seed)
    names = drug_names((pages + 1) // 2, rng)
    written: list[Path] = []
    for index in range(pages):
        name = names[index // 2]
        slug = name.replace(" + ", "-")
        folder = "default" if index % 2 == 0 else "minimal-medicine"
        page_rng = random.Random(f"{seed}:{index}")
        text = default_page(name, page_rng) if index % 2 == 0 else minimal_page(name, page_rng)
        path = target / folder / slug[0] / f"{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
