"""Write a deterministic synthetic site in sitegen's content format, for benchmarks.

    python benchmarks/make_corpus.py OUT --articles 1000 [--people 200] [--clusters 20]
                                         [--photos]

N articles per language (da, no), 150-1,500 words each, with headings, lists, emphasis,
links to other articles, tables, body images and every front-matter field; about 70 %
of the articles in translation pairs; a few drafts and embargoed articles. The same
arguments always give the same bytes (seeded), so figures compare across runs.

`--photos` gives every story a lead picture of its own, a realistic JPEG (1,600 x 1,067,
about 0.4 MB: a gradient, shapes and sensor noise, made with Pillow from the seed); the
two versions of a translated story share theirs, as a newsroom's do. Without it the
lead pictures are the 20 tiny GIFs the bodies use.
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
from pathlib import Path

WORDS = (
    "energi klynge eksport vand teknologi virksomhed partnerskab innovation forskning "
    "marked netværk kunde løsning omstilling grøn havn vind sol batteri fleksibilitet "
    "kommune region samarbejde udvikling projekt digital data kunstig intelligens "
    "bygning bolig transport strøm nett forbruk lagring effekt kapasitet bærekraft "
    "næringsliv myndighet program konferanse delegasjon besøk avtale styre leder"
).split()
SITE_TOML = """\
base_url = "https://bench.example.org/"
theme = "default"
default_language = "da"
feed_items = 20

[languages.da]
title = "Nyheder"
description = "Syntetiske nyheder til benchmark"
locale = "da_DK"
timezone = "Europe/Copenhagen"

[languages.no]
title = "Nyheter"
description = "Syntetiske nyheter for benchmark"
locale = "nb_NO"
timezone = "Europe/Oslo"
"""
# A 1x1 transparent GIF: a real image file, tiny on disk.
GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000"
                    "010001000002024401003b")


def plain(rng: random.Random, low: int = 6, high: int = 16) -> str:
    """A sentence without Markdown, safe in front matter."""
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))).capitalize() + "."


def sentence(rng: random.Random, low: int = 6, high: int = 16) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    if rng.random() < 0.3:
        i = rng.randrange(len(words))
        words[i] = f"*{words[i]}*"
    if rng.random() < 0.15:
        i = rng.randrange(len(words))
        words[i] = f"**{words[i]}**"
    return " ".join(words).capitalize() + "."


def body(rng: random.Random, words: int, links: list[str], images: list[str]) -> str:
    parts: list[str] = []
    count = 0
    while count < words:
        kind = rng.random()
        if kind < 0.08:
            parts.append(f"## {sentence(rng, 2, 5).rstrip('.')}")
        elif kind < 0.14:
            items = [f"- {sentence(rng, 3, 8)}" for _ in range(rng.randint(2, 5))]
            parts.append("\n".join(items))
            count += 5 * len(items)
        elif kind < 0.17:
            rows = ["| År | Værdi | Note |", "|---|---:|---|"]
            rows += [f"| {2015 + r} | {rng.randint(1, 999)} | {rng.choice(WORDS)} |"
                     for r in range(rng.randint(2, 6))]
            parts.append("\n".join(rows))
            count += 15
        elif kind < 0.20 and images:
            parts.append(f"![{sentence(rng, 2, 4)}](/{rng.choice(images)})")
        elif kind < 0.25:
            parts.append(f"> {sentence(rng)}")
            count += 10
        else:
            text = " ".join(sentence(rng) for _ in range(rng.randint(2, 6)))
            if links and rng.random() < 0.3:
                text += f" Læs også [{rng.choice(WORDS)}]({rng.choice(links)})."
            parts.append(text)
            count += len(text.split())
    return "\n\n".join(parts) + "\n"


def hidden(i: int) -> bool:
    """Every 250 articles, one draft and one under embargo."""
    return i % 250 in (17, 42)


def article_path(lang: str, i: int, articles: int, paired: int) -> str:
    year = 2015 + i * 10 // max(articles, 1)
    stem = "norsk" if lang == "no" and i >= paired else "artikel"
    return f"{year}/{stem}-{i:05d}.md"


def front_matter(fields: dict[str, object]) -> str:
    lines = ["---"]
    for key, value in fields.items():
        if isinstance(value, list):
            lines.append(f"{key}: [{', '.join(str(v) for v in value)}]")
        else:
            lines.append(f"{key}: {value}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def photo(number: int, seed: int) -> bytes:
    """A press photo's worth of JPEG, the same bytes for the same number and seed."""
    import io

    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(f"{seed}-photo-{number}")
    width, height = 1600, 1067
    sky = tuple(rng.randrange(60, 220) for _ in range(3))
    ground = tuple(rng.randrange(20, 160) for _ in range(3))
    small = (width // 4, height // 4)  # drawn small and enlarged: soft like a lens
    gradient = Image.linear_gradient("L").resize(small)
    image = Image.composite(Image.new("RGB", small, ground), Image.new("RGB", small, sky),
                            gradient)
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rng.randrange(small[0]), rng.randrange(small[1])
        w, h = rng.randrange(8, 100), rng.randrange(8, 100)
        colour = tuple(rng.randrange(256) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)((x, y, x + w, y + h),
                                                                   fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(1)).resize((width, height),
                                                              Image.Resampling.BILINEAR)
    noise = Image.effect_noise((width, height), 24).convert("RGB")  # sensor noise
    image = Image.blend(image, noise, 0.12)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def make_corpus(out: Path, articles: int, people: int, clusters: int, seed: int = 1,
                photos: bool = False) -> None:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "content").mkdir(parents=True)
    (out / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    cluster_ids = [f"klynge-{i:03d}" for i in range(clusters)]
    person_ids = [f"person-{i:04d}" for i in range(people)]
    for ident in cluster_ids:
        path = out / "content/clusters" / f"{ident}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(front_matter({
            "name": f"Klynge {ident[-3:]}", "short_name": ident.upper(),
            "website": f"https://{ident}.example.org/", "description": plain(rng),
        }) + sentence(rng) + "\n", encoding="utf-8")
    for ident in person_ids:
        path = out / "content/people" / f"{ident}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(front_matter({
            "name": f"Person {ident[-4:]} Hansen", "role": "Projektleder",
            "organization": "Eksempel A/S", "email": f"{ident}@example.org",
            "phone": f'"+45 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} '
                     f'{rng.randint(10, 99)}"',
            "clusters": [rng.choice(cluster_ids)],
        }) + sentence(rng) + "\n", encoding="utf-8")
    media = out / "content/media/bench"
    media.mkdir(parents=True)
    images = []
    for i in range(20):
        name = f"media/bench/billede-{i:02d}.gif"
        (out / "content" / name).write_bytes(GIF)
        images.append(name)
    paired = int(articles * 0.7)
    if photos:
        write_photos(out, articles, paired, seed)
    for lang in ("da", "no"):
        rng_lang = random.Random(f"{seed}-{lang}")
        for i in range(articles):
            year = 2015 + i * 10 // max(articles, 1)
            rel = article_path(lang, i, articles, paired)
            links = ["../" + article_path(lang, j, articles, paired)
                     for j in rng_lang.sample(range(articles), k=min(3, articles))
                     if j != i and not hidden(j)]
            month, day = 1 + i % 12, 1 + i % 28
            fields: dict[str, object] = {
                "title": f'"{plain(rng_lang, 3, 8).rstrip(".")} {i}"',
                "date": f"{year}-{month:02d}-{day:02d} {8 + i % 10:02d}:{i % 60:02d}",
                "updated": f"{year}-{month:02d}-{day:02d}" if i % 7 == 0 else None,
                "summary": plain(rng_lang, 10, 25),
                "authors": [rng_lang.choice(person_ids)],
                "contacts": [rng_lang.choice(person_ids)],
                "clusters": rng_lang.sample(cluster_ids, k=min(2, len(cluster_ids))),
                "tags": rng_lang.sample(WORDS, k=3),
                "translation_key": f"par-{i:05d}" if i < paired else None,
                "image": (lead_photo(out, i if lang == "da" or i < paired else articles + i,
                                     seed) if photos else images[i % len(images)]),
                "image_alt": "Illustration",
                "image_credit": "Bench Fotograf",
            }
            if i % 250 == 17:
                fields["draft"] = "true"
            if i % 250 == 42:
                fields["date"] = f"{2099}-01-01 09:00"
            # Log-uniform over 150-1,500 words: median about 475, as news archives have
            # many short notices and a few long features.
            words = int(math.exp(rng_lang.uniform(math.log(150), math.log(1500))))
            text = front_matter({k: v for k, v in fields.items() if v is not None})
            text += "\n" + body(rng_lang, words, links, images)
            path = out / "content" / lang / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")


def lead_photo(out: Path, story: int, seed: int) -> str:
    """The story's own picture (written by write_photos, shared by its versions)."""
    return f"media/fotos/{story // 1000:02d}/foto-{story:05d}.jpg"


def _write_photo(task: tuple[Path, int, int]) -> None:
    out, story, seed = task
    path = out / "content" / lead_photo(out, story, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(photo(story, seed))


def write_photos(out: Path, articles: int, paired: int, seed: int) -> None:
    """Every story's picture, on every core (deterministic: each from its number)."""
    import multiprocessing

    stories = sorted({*range(articles), *(articles + i for i in range(paired, articles))})
    with multiprocessing.Pool() as pool:
        pool.map(_write_photo, [(out, story, seed) for story in stories], chunksize=32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=1000, help="per language")
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--clusters", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--photos", action="store_true",
                        help="a realistic JPEG as every story's lead picture")
    args = parser.parse_args()
    make_corpus(args.out, args.articles, args.people, args.clusters, args.seed, args.photos)


if __name__ == "__main__":
    main()
