"""A blog's author name against the commenter's (moderation/policy/ownership)."""

from __future__ import annotations

import pytest

from moderation.model import Verdict
from moderation.policy.ownership import names_match, ownership_outcome

SAME_PERSON = [
    ("Juli Ramirez", "juli ramirez", "case"),
    ("Juli Ramírez", "Juli Ramirez", "accent"),
    ("J. Ramírez", "Juli Ramirez", "initial with accent"),
    ("Ramirez Juli", "Juli Ramírez", "family name first"),
    ("Nguyễn Văn An", "An Nguyen", "vietnamese, middle name left out, reordered"),
    ("Đặng Thị Hoa", "Hoa Dang", "vietnamese đ"),
    ("Jean-Luc Picard", "Jean Luc Picard", "hyphen or space"),
    ("Jean-Luc Picard", "Jean-Luc Picard", "same hyphenated"),
    ("J.-L. Picard", "Jean-Luc Picard", "hyphenated initials"),
    ("J.R.R. Tolkien", "John Ronald Reuel Tolkien", "run-together initials"),
    ("John R. R. Tolkien", "J. Tolkien", "initial against middle initials"),
    ("Gabriel García Márquez", "Gabriel Garcia", "second family name left out"),
    ("José María Aznar", "Jose Maria Aznar", "spanish accents"),
    ("Jürgen Müller", "Juergen Mueller", "german umlauts written out"),
    ("Jürgen Müller", "Jurgen Muller", "german umlauts dropped"),
    ("Straße Hans", "Hans Strasse", "sharp s"),
    ("Søren Kierkegaard", "Soren Kierkegaard", "danish ø"),
    ("Łukasz Wójcik", "Lukasz Wojcik", "polish ł"),
    ("Siobhán O'Brien", "Siobhan OBrien", "irish apostrophe"),
    ("Kim Min-jun", "Minjun Kim", "korean romanised, reordered"),
    ("山田太郎", "山田 太郎", "japanese with and without a space"),
    ("王伟", "王 伟", "chinese one-character given name"),
    ("Иван Петров", "Петров Иван", "cyrillic reordered"),
    ("Γιώργος Παπαδόπουλος", "ΓΙΩΡΓΟΣ ΠΑΠΑΔΟΠΟΥΛΟΣ", "greek case and tonos"),
    ("Dr. Amara Okafor", "Amara Okafor", "title dropped"),
    ("Martin Luther King Jr.", "Martin King", "suffix and middle name dropped"),
    ("Ahmed al-Sayed", "Ahmed Alsayed", "arabic article joined"),
    ("Björk", "Bjork", "one word against one word"),
    ("Ｊｕｌｉ Ｒａｍｉｒｅｚ", "Juli Ramirez", "full-width letters"),
    ("Vincent van Gogh", "Vincent Van Gogh", "particle case"),
    ("Ludwig van Beethoven", "Ludwig Beethoven", "particle left out"),
]

DIFFERENT_PEOPLE = [
    ("Juli Ramirez", "Julia Ramirez", "one letter more is another name"),
    ("John Smith", "Jon Smith", "spelling variant"),
    ("Anne Lee", "Ann Lee", "spelling variant with e"),
    ("Mohammed Ali", "Muhammad Ali", "transliteration variant"),
    ("Ivan Petrov", "Иван Петров", "no transliteration between scripts"),
    ("Juli", "Juli Ramirez", "a first name alone does not vouch for a full name"),
    ("Ramirez", "Juli Ramirez", "a family name alone neither"),
    ("J. R.", "Juli Ramirez", "initials only"),
    ("K. Ramirez", "Juli Ramirez", "another initial"),
    ("Juli Ramirez", "Juli Ramires", "near family name"),
    ("Jane Doe", "Juli Ramirez", "someone else"),
    ("Jаne Doe", "Jane Doe", "cyrillic а look-alike"),
    ("Ann Alee", "Anna Lee", "same letters, other words"),
    ("王伟", "王 华", "other chinese given name"),
    ("", "Juli Ramirez", "no name"),
]


@pytest.mark.parametrize(
    ("blog", "commenter"),
    [(a, b) for a, b, _ in SAME_PERSON],
    ids=[why for *_, why in SAME_PERSON],
)
def test_names_of_the_same_person_match(blog: str, commenter: str) -> None:
    assert names_match(blog, commenter)
    assert names_match(commenter, blog)  # the match does not depend on who wrote which


@pytest.mark.parametrize(
    ("blog", "commenter"),
    [(a, b) for a, b, _ in DIFFERENT_PEOPLE],
    ids=[why for *_, why in DIFFERENT_PEOPLE],
)
def test_look_alikes_and_other_names_do_not_match(blog: str, commenter: str) -> None:
    assert not names_match(blog, commenter)
    assert not names_match(commenter, blog)


def test_the_table_covers_thirty_pairs() -> None:
    assert len(SAME_PERSON) + len(DIFFERENT_PEOPLE) >= 30


def test_verified_outcome_names_the_blogs_author() -> None:
    outcome = ownership_outcome("Juli Ramirez", [("Juli Ramírez", "h-card")], me_links=2)
    assert (outcome.verdict, outcome.code) == (Verdict.PASS, "ownership.verified")
    assert outcome.detail.startswith("verified: the blog names Juli Ramírez as its author")
    assert "2 rel=me links" in outcome.detail


def test_another_name_is_information_not_a_hold() -> None:
    outcome = ownership_outcome("Juli Ramirez", [("Jane Doe", "feed")])
    assert (outcome.verdict, outcome.code) == (Verdict.PASS, "ownership.other-name")
    assert outcome.detail == "the blog names someone else: Jane Doe (feed)"
    assert outcome.reason == ""  # nothing is said to the commenter


def test_a_later_source_can_verify_when_the_first_names_someone_else() -> None:
    names = [("Site Team", "h-card"), ("J. Ramirez", "feed")]
    assert ownership_outcome("Juli Ramirez", names).code == "ownership.verified"


def test_no_author_data() -> None:
    outcome = ownership_outcome("Juli Ramirez", [])
    assert (outcome.verdict, outcome.code, outcome.detail) == (
        Verdict.PASS,
        "ownership.no-data",
        "no author data",
    )
