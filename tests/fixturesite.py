"""The blog the tests build: content made here, so an author's work in content/ never turns CI red.

The posts keep the slugs the tests post comments to, and cover what the theme and plugins
must handle: a video shortcode, a link to another site, raw quotes in a title, a post of
sixty words, categories and tags shared between posts, and enough posts to paginate.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

VOCABULARY = """
coffee meeting recruiter interview follow-up introduction conversation referral hiring manager
career question listen advice network colleague event offer rejection feedback reason candidate
profile message thank week month team role skill story
"""
WORDS = tuple(VOCABULARY.split())


@dataclass(frozen=True)
class Post:
    slug: str
    title: str
    date: str
    category: str
    tags: str
    words: int = 450
    extra: str = ""  # Markdown placed in the middle of the body


POSTS: tuple[Post, ...] = (
    Post("coffee-meal-beer-rule", "The Coffee, Meal or Beer Rule", "2024-01-16 08:00",
         "Networking", "coffee rule, linkedin",
         extra="Read more at [an outside guide](https://guides.example.org/coffee)."),
    Post("following-versus-connecting", "Following Versus Connecting", "2024-02-03 09:00",
         "Networking", "linkedin, online conversations"),
    Post("how-to-write-a-follow-up", "How to Write a Follow-Up", "2024-03-12 09:30",
         "Job search", "follow-up, e-mail"),
    Post("lonely-job-search", "The Lonely Job Search", "2024-04-20 07:45",
         "Job search", "job search, coffee rule"),
    Post("recruiters-leave-the-desk", "Recruiters, Leave the Desk", "2024-05-02 10:00",
         "Hiring", "recruiters, events", extra="[vimeo 70534716]"),
    Post("tell-rejected-candidates-why", "Tell Rejected Candidates Why", "2024-06-18 08:15",
         "Hiring", "feedback, recruiters"),
    Post("networking-events-on-a-budget", "Networking Events on a Budget", "2024-07-09 18:00",
         "Networking", "events"),
    Post("disagree-without-burning-bridges", "Disagree Without Burning Bridges",
         "2024-08-27 12:00", "Networking", "online conversations, feedback"),
    Post("a-short-note", "A \"Short\" Note, Sixty Words", "2024-09-30 16:00",
         "Job search", "job search", words=60),
)  # fmt: skip

PAGES = {
    "about": ("About", "Who writes this blog, and why it is about meeting people first."),
    "comment-policy": ("Comment Policy", "Your real name, a link to your own blog, and kindness."),
}
FAVICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
    '<circle cx="8" cy="8" r="7" fill="#6b4f3a"/></svg>\n'
)


def body(words: int, seed: str, extra: str = "") -> str:
    """Paragraphs of plain words, the same for the same seed."""
    pick = random.Random(seed)
    sentences, count = [], 0
    while count < words:
        length = min(pick.randint(8, 16), words - count)
        sentence = " ".join(pick.choice(WORDS) for _ in range(length))
        sentences.append(sentence[0].upper() + sentence[1:] + ".")
        count += length
    paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
    if extra:
        paragraphs.insert(len(paragraphs) // 2 or 1, extra)
    return "\n\n".join(paragraphs) + "\n"


def post_text(post: Post) -> str:
    header = (
        f"Title: {post.title}\nDate: {post.date}\nCategory: {post.category}\n"
        f"Tags: {post.tags}\nSlug: {post.slug}\nSummary: A test post about {post.tags}.\n\n"
    )
    return header + body(post.words, post.slug, post.extra)


def write_content(content: Path) -> Path:
    """Write the test blog's posts, pages and extra files into `content`; returns it."""
    for post in POSTS:
        write(content / "posts" / f"{post.slug}.md", post_text(post))
    for slug, (title, summary) in PAGES.items():
        write(content / "pages" / f"{slug}.md",
              f"Title: {title}\nSlug: {slug}\nSummary: {summary}\n\n{body(120, slug)}")  # fmt: skip
    write(content / "extra" / "favicon.svg", FAVICON)
    write(content / "extra" / "robots.txt", "User-agent: *\nAllow: /\n")
    return content


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
