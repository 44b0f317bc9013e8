"""The real-name check: real names from every culture pass, non-names are held with a code."""

from __future__ import annotations

import pytest

from moderation.model import Submission, Verdict
from moderation.policy.name import NameCheck, NameRules, check_real_name, normalise_name


def submission(name: str) -> Submission:
    return Submission(article="a-post", name=name, blog_url="https://jane.example/", body="Hi")


REAL_NAMES = [
    ("José María Núñez", "spanish"),
    ("Nguyễn Thị Minh Khai", "vietnamese"),
    ("李小龙", "chinese-no-space"),
    ("O'Brien", "irish-apostrophe"),
    ("Anne-Marie Smith-Jones", "double-hyphen"),
    ("D'Angelo", "italian-apostrophe"),
    ("Ó Súilleabháin", "irish-particle"),
    ("Björk", "single-word"),
    ("Mary-Kate O'Neil", "hyphen-and-apostrophe"),
    ("Jean-Luc Picard", "french-hyphen"),
    ("Zoë Kravitz", "diaeresis"),
    ("Søren Kierkegaard", "danish"),
    ("Łukasz Wróbel", "polish"),
    ("Đặng Văn Lâm", "vietnamese-d-bar"),
    ("Αλέξανδρος Παπαδόπουλος", "greek"),
    ("Владимир Набоков", "cyrillic"),
    ("محمد عبد الله", "arabic"),
    ("דוד בן-גוריון", "hebrew"),
    ("田中 太郎", "japanese"),
    ("김민준", "korean"),
    ("Kwame Nkrumah", "ghanaian"),
    ("Oluwaseun Adébáyọ̀", "yoruba-combining-marks"),
    ("Ngũgĩ wa Thiong'o", "kikuyu"),
    ("Pierre-Auguste Renoir", "hyphenated-given-name"),
    ("Martin Luther King Jr.", "suffix"),
    ("J. R. R. Tolkien", "initials"),
    ("Mary Ann St. Clair", "saint"),
    ("Dr. Jane Goodall", "title"),
    ("van der Berg", "lowercase-particles"),
    ("Teller", "one-word-stage-name"),
    ("Cher", "one-word-short"),
    ("Siobhán O’Connor", "curly-apostrophe"),
    ("Jane O´Neil", "acute-accent-apostrophe"),
    ("Ronald McDonald", "mc-capital"),
    ("DeShawn Jackson", "de-capital"),
    ("LaToya Jackson", "la-capital"),
    ("Leonardo DiCaprio", "di-capital"),
    ("Juan DeLaCruz", "two-prefixes"),
    ("JJ Abrams", "short-capitals"),
    ("Lee MJ", "trailing-initials"),
    ("Jean DUPONT", "french-capital-surname"),
    ("George Best", "surname-that-is-an-advert-word"),
    ("Nguyễn Thị Loan", "given-name-loan"),
    ("Seo Ji-hoon", "korean-surname-seo"),
    ("Christopher Guest", "surname-guest"),
    ("Rachel Friend", "surname-friend"),
    ("Joe Root", "surname-root"),
    ("bell hooks", "all-lowercase"),
    ("Gal·la Puig", "catalan-middle-dot"),
    ('Robert "Bob" Smith', "quoted-nickname"),
    ("प्रियंका चोपड़ा", "devanagari"),
    ("ஸ்ரீனிவாச ராமானுஜன்", "tamil"),
    ("ბიძინა ივანიშვილი", "georgian"),
    ("สมชาย ใจดี", "thai"),
    ("محمد\u200cرضا شجریان", "persian-zero-width-non-joiner"),
    ("Gabriel José de la Concordia García Márquez", "long-with-particles"),
    ("IJsbrand de Vries", "dutch-ij"),
    ("JoAnne", "compound-given-name-jo-anne"),
    ("RuPaul", "compound-given-name-ru-paul"),
    ("AnnaSophia Robb", "compound-given-name-anna-sophia"),
    ("MaryAnn deVries", "compound-and-lowercase-particle"),
    ("DeShawn", "de-capital-alone"),
    ("McKenzie", "mc-capital-alone"),
    ("BillyBob Thornton", "compound-given-name-billy-bob"),
    ("Rhys vanDyke", "lowercase-van-particle"),
    ("Asa Butterfield", "short-given-name"),
    ("Jo Ng", "two-short-words"),
    ("Coach Carter", "trade-word-and-a-surname"),
    ("Dee Dee Bridgewater", "repeated-given-name"),
    ("Ivan Петров", "two-scripts-in-two-words"),
]


@pytest.mark.parametrize("name", [n for n, _ in REAL_NAMES], ids=[i for _, i in REAL_NAMES])
def test_real_name_is_accepted(name: str) -> None:
    outcome = check_real_name(submission(name), NameRules())
    assert outcome.passed, outcome


NOT_NAMES = [
    ("", "name.missing", "empty"),
    ("   \t ", "name.missing", "whitespace"),
    ("...", "name.missing", "only-dots"),
    ("Anonymous", "name.generic", "anonymous"),
    ("admin", "name.generic", "admin"),
    ("Guest", "name.generic", "guest"),
    ("user", "name.generic", "user"),
    ("user123", "name.generic", "user-with-digits"),
    ("test", "name.generic", "test"),
    ("me", "name.generic", "me"),
    ("N/A", "name.generic", "n-a"),
    ("a reader", "name.generic", "a-reader"),
    ("Webmaster", "name.generic", "webmaster"),
    ("moderator", "name.generic", "moderator"),
    ("Unknown", "name.generic", "unknown"),
    ("no name", "name.generic", "no-name"),
    ("Anónimo", "name.generic", "spanish-anonymous"),
    ("匿名", "name.generic", "chinese-anonymous"),
    ("Аноним", "name.generic", "russian-anonymous"),
    ("Guest User", "name.generic", "generic-words-together"),
    ("Concerned Citizen", "name.generic", "concerned-citizen"),
    ("Mr. Anonymous", "name.generic", "title-and-placeholder"),
    ("Name Surname", "name.generic", "form-labels"),
    ("Your Name", "name.generic", "placeholder"),
    ("xXgamerXx", "name.handle", "gamer-tag"),
    ("john_smith", "name.handle", "underscore"),
    ("jsmith88", "name.handle", "digits"),
    ("@janedoe", "name.handle", "at-handle"),
    ("JohnSmith", "name.handle", "camel-case"),
    ("darkLord", "name.handle", "lower-camel-case"),
    ("J0hn Sm1th", "name.handle", "leet"),
    ("CodeMonkey", "name.handle", "camel-case-words"),
    ("qwerty", "name.generic", "keyboard-row"),
    ("Asdf", "name.generic", "keyboard-row-capitalised"),
    ("zzz zzz", "name.generic", "held-down-key"),
    ("test test", "name.generic", "test-test"),
    ("n/a", "name.generic", "n-a-lowercase"),
    ("J", "name.initial", "one-letter"),
    ("J.", "name.initial", "one-initial"),
    ("Career Coach", "name.commercial", "career-coach"),
    ("Interview Tips", "name.commercial", "interview-tips"),
    ("Hiring Pro", "name.commercial", "hiring-pro"),
    ("Networking Tips Blog", "name.commercial", "networking-tips-blog"),
    ("Resume Writer", "name.commercial", "resume-writer"),
    ("The Job Guru", "name.commercial", "job-guru-with-article"),
    ("J\u0430ne Smith", "name.mixed-scripts", "cyrillic-a-in-latin"),
    ("\u0410lice Johnson", "name.mixed-scripts", "cyrillic-capital-a"),
    ("Ro\u03bfney", "name.mixed-scripts", "greek-omicron"),
    ("www.x.com", "name.url", "www"),
    ("seo-guru.net", "name.url", "bare-domain"),
    ("https://jane.blog", "name.url", "full-url"),
    ("Jane from jane.blog", "name.url", "domain-in-name"),
    ("jane@example.com", "name.email", "email"),
    ("Jane Doe jane.doe@gmail.com", "name.email", "name-and-email"),
    ("Cheap SEO Services", "name.commercial", "seo-services"),
    ("Best Loans", "name.commercial", "loans"),
    ("Buy Viagra Online", "name.commercial", "viagra"),
    ("Payday Loans UK", "name.commercial", "payday"),
    ("Web Design Company", "name.commercial", "web-design"),
    ("Casino Bonus", "name.commercial", "casino"),
    ("Acme Widgets Ltd", "name.commercial", "company-suffix"),
    ("JOHN SMITH", "name.shouting", "capitals"),
    ("MARY", "name.shouting", "one-word-capitals"),
    ("ΑΛΈΞΑΝΔΡΟΣ", "name.shouting", "greek-capitals"),
    (
        "Hubert Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaft",
        "name.too-long",
        "over-60-characters",
    ),
    ("Anna Maria Luisa Carolina Beatrice Sofia Elena", "name.too-long", "seven-words"),
    ("Jane 😀", "name.invalid-characters", "emoji"),
    ("😀", "name.invalid-characters", "only-emoji"),
    ("<script>", "name.invalid-characters", "angle-brackets"),
    ("Jane{Doe}", "name.invalid-characters", "braces"),
    ("Jane | Doe", "name.invalid-characters", "pipe"),
    ("$ally", "name.invalid-characters", "dollar"),
    ("Jane#Doe", "name.invalid-characters", "hash"),
    ("Jane*", "name.invalid-characters", "star"),
    ("Jane\u200bDoe", "name.invalid-characters", "zero-width-space"),
    ("Jane\x07Doe", "name.invalid-characters", "control-character"),
    ("Jane\u202eeoD", "name.invalid-characters", "right-to-left-override"),
    ("J" + "\u0301" * 6 + "ane", "name.invalid-characters", "zalgo"),
]


@pytest.mark.parametrize(
    ("name", "code"), [(n, c) for n, c, _ in NOT_NAMES], ids=[i for _, _, i in NOT_NAMES]
)
def test_non_name_is_held_with_its_code(name: str, code: str) -> None:
    outcome = check_real_name(submission(name), NameRules())
    assert (outcome.verdict, outcome.code) == (Verdict.HOLD, code)


@pytest.mark.parametrize(
    ("name", "code"), [(n, c) for n, c, _ in NOT_NAMES], ids=[i for _, _, i in NOT_NAMES]
)
def test_held_name_gets_a_reason_for_the_commenter(name: str, code: str) -> None:
    outcome = check_real_name(submission(name), NameRules())
    assert outcome.reason.startswith("Please") and outcome.reason.endswith(".")


@pytest.mark.parametrize(
    "name",
    ["Björk", "Teller", "Dr. Teller", "van der Berg"],
    ids=["bjork", "teller", "title", "particles"],
)
def test_single_word_is_held_when_full_name_is_required(name: str) -> None:
    outcome = check_real_name(submission(name), NameRules(require_full_name=True))
    assert (outcome.verdict, outcome.code) == (Verdict.HOLD, "name.single-word")


@pytest.mark.parametrize(
    "name",
    ["Jane Smith", "J. Smith", "李小龙", "김민준", "Ngũgĩ wa Thiong'o"],
    ids=["two-words", "initial", "chinese", "korean", "with-particle"],
)
def test_full_name_passes_when_full_name_is_required(name: str) -> None:
    assert check_real_name(submission(name), NameRules(require_full_name=True)).passed


def test_single_word_passes_by_default() -> None:
    assert check_real_name(submission("Björk"), NameRules()).passed


def test_max_length_setting_is_honoured() -> None:
    outcome = check_real_name(submission("Jane Smith"), NameRules(max_length=5))
    assert (outcome.code, "5 characters" in outcome.reason) == ("name.too-long", True)


def test_site_generic_name_is_held() -> None:
    rules = NameRules(extra_generic=frozenset({"Career Changer"}))
    assert check_real_name(submission("career  changer"), rules).code == "name.generic"


def test_site_commercial_word_is_held() -> None:
    rules = NameRules(commercial_words=frozenset({"Recruitment"}))
    assert check_real_name(submission("Acme Recruitment"), rules).code == "name.commercial"


def test_name_is_normalised_to_nfc_with_single_spaces() -> None:
    assert normalise_name("  Zoe\u0308\u00a0  Kravitz \n") == "Zo\u00eb Kravitz"


def test_decomposed_name_passes_like_its_composed_form() -> None:
    assert check_real_name(submission("Nguye\u0302\u0303n Thi\u0323"), NameRules()).passed


def test_handle_reason_asks_for_the_real_name() -> None:
    outcome = check_real_name(submission("xXgamerXx"), NameRules())
    assert "real name" in outcome.reason and "username" in outcome.reason


def test_held_outcome_shows_the_moderator_the_name() -> None:
    assert "xXgamerXx" in check_real_name(submission("xXgamerXx"), NameRules()).detail


def test_name_check_is_a_policy_check() -> None:
    check = NameCheck(NameRules())
    assert (check.name, check(submission("Anonymous")).code) == ("name", "name.generic")
