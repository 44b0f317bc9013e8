"""The word lists of the real-name check: placeholders, adverts, name particles and pieces.

Data only, kept apart from the rules in `name.py` so each can be read (and grown) alone. Every
list is case-folded.
"""

from __future__ import annotations

# Placeholders, matched against the whole name (case-folded, apostrophes unified).
GENERIC_NAMES = frozenset({
    "n/a", "n.a.", "n.a", "no name", "noname", "no-name", "your name", "first last",
    "firstname lastname", "first name last name", "john doe", "jane doe", "not telling",
    "prefer not to say", "hiring manager", "job seeker", "hr manager", "no one",
})  # fmt: skip
# Words that, alone or only with each other ("Guest User", "Anonymous Reader"), name nobody.
GENERIC_WORDS = frozenset({
    "anonymous", "anon", "anonym", "anonyme", "anonymus", "anónimo", "anónima", "anonimo",
    "anonima", "anônimo", "anoniem", "anonim", "аноним", "анонимно", "匿名", "匿名希望",
    "名無し", "名無しさん", "익명", "مجهول", "אנונימי", "admin", "administrator", "root",
    "guest", "invité", "invitado", "ospite", "convidado", "gość", "гость", "ゲスト", "访客",
    "游客", "손님", "user", "username", "usuario", "utilisateur", "benutzer", "utente",
    "пользователь", "ユーザー", "用户", "사용자", "visitor", "reader", "lecteur", "lectrice",
    "lector", "lettore", "leser", "leitor", "читатель", "test", "tester", "testing", "me",
    "myself", "i", "someone", "somebody", "nobody", "nadie", "ninguém", "niemand", "unknown",
    "inconnu", "desconocido", "sconosciuto", "unbekannt", "неизвестный", "不明", "無名",
    "无名", "webmaster", "moderator", "mod", "owner", "blogger", "commenter", "friend",
    "member", "customer", "client", "support", "info", "contact", "sales", "team", "staff",
    "recruiter", "candidate", "jobseeker", "管理员", "管理者", "관리자", "name", "surname",
    "firstname", "lastname", "citizen", "lurker", "coward", "fan", "person",
})  # fmt: skip
FILLERS = frozenset({
    "a", "an", "the", "just", "your", "my", "some", "random", "un", "une", "concerned", "curious",
    "happy", "loyal", "regular", "fellow", "another", "mr", "mrs", "ms", "dr",
})  # fmt: skip
# One of these marks an advert; two weak ones do too ("Web Design Company"). A weak word alone
# is often a real surname: George Best, Johnny Cash, Nguyễn Thị Loan, Seo Ji-hoon.
STRONG_COMMERCIAL = frozenset({
    "viagra", "cialis", "levitra", "casino", "casinos", "poker", "betting", "payday", "loans",
    "mortgage", "mortgages", "crypto", "cryptocurrency", "bitcoin", "forex", "porn", "xxx",
    "escort", "escorts", "pharmacy", "pills", "replica", "replicas", "backlink", "backlinks",
    "cbd", "followers", "ltd", "llc", "inc", "gmbh", "plc", "pvt",
})  # fmt: skip
WEAK_COMMERCIAL = frozenset({
    "best", "cheap", "cheapest", "buy", "online", "service", "services", "company", "agency",
    "design", "web", "website", "marketing", "digital", "bonus", "deal", "deals", "discount",
    "free", "sale", "shop", "store", "top", "near", "insurance", "repair", "cleaning",
    "solutions", "consulting", "consultancy", "hosting", "software", "app", "review", "reviews",
    "tips", "official", "loan", "credit", "money", "cash", "clinic", "lawyer", "lawyers",
    "attorney", "plumber", "plumbing", "dentist", "hotel", "tours", "travel", "games", "order",
    "price", "prices", "expert", "experts", "writing", "writer", "writers", "essay", "essays",
    "seo", "uk", "usa", "hire", "rent", "rental", "movers", "coupon", "coupons", "promo",
    "affordable", "resume", "cv", "download", "watch",
})  # fmt: skip
TLDS = frozenset({
    "com", "net", "org", "info", "biz", "io", "co", "me", "blog", "dev", "app", "xyz", "online",
    "site", "shop", "store", "tech", "ai", "us", "uk", "ru", "cn", "in", "br", "au", "ca", "nl",
    "eu", "fr", "pl", "jp", "ch", "se", "es", "be", "cz", "gr", "ie", "nz", "za", "mx", "tv",
    "cc", "ly", "top", "club", "pro", "live", "website", "space", "news", "link", "click",
})  # fmt: skip
# Name prefixes that carry a capital inside a word: McDonald, DeShawn, LaToya, DiCaprio.
INNER_CAPITAL_PREFIXES = frozenset({
    "mc", "mac", "nic", "fitz", "de", "da", "di", "du", "del", "della", "la", "le", "lo", "van",
    "von", "vander", "vanden", "st", "ja", "ka", "ke", "ki", "sha", "ta", "te", "ty", "tre",
    "ra", "re", "ma", "d", "o",
})  # fmt: skip
PARTICLES = frozenset({
    "de", "la", "las", "los", "del", "della", "di", "da", "das", "dos", "du", "van", "von",
    "der", "den", "ter", "ten", "y", "e", "bin", "binti", "ibn", "bint", "al", "el", "le",
    "st.", "of", "wa", "ben", "ó", "ni", "nic", "mac", "mc",
})  # fmt: skip
TITLES = frozenset({"dr", "mr", "mrs", "ms", "mx", "prof", "sir", "dame", "rev", "jr", "sr"})

# Given names that end a compound given name written as one word with a capital inside:
# JoAnne, MaryAnn, AnnaSophia, RuPaul, BillyBob. A handle joins words that are not names
# (DarkLord, CodeMonkey) or a given name and a family name (JohnSmith).
COMPOUND_NAME_ENDS = frozenset({
    "ann", "anne", "anna", "annie", "beth", "belle", "bella", "bob", "claire", "dee", "ella",
    "elle", "ellen", "grace", "jane", "jean", "jo", "joe", "john", "joy", "kate", "kay", "lee",
    "leigh", "lou", "louise", "lyn", "lynn", "lynne", "mae", "marie", "mary", "may", "nell",
    "paul", "ray", "rose", "ruth", "sophia", "sofia", "sue", "jay", "lena",
    "liz", "luz", "mai", "maria", "mia", "michelle", "nicole", "rae", "sha", "shawn", "shaun",
    "tina", "wayne",
})  # fmt: skip
# Job-search and marketing words: a name made only of these is a sign or a keyword list
# ("Career Coach", "Interview Tips", "Hiring Pro"), not a person.
TRADE_WORDS = frozenset({
    "career", "careers", "coach", "coaching", "interview", "interviews", "hiring", "hire",
    "pro", "pros", "networking", "network", "tips", "tip", "blog", "blogger", "resume",
    "resumes", "cv", "cvs", "writer", "writers", "writing", "job", "jobs", "jobseeker", "hr",
    "recruiting", "recruitment", "recruiter", "recruiters", "talent", "headhunter", "linkedin",
    "advice", "guide", "guru", "expert", "experts", "mentor", "mentoring", "success", "hacks",
    "marketing", "seo", "consultant", "consulting", "services", "official", "online", "team",
    "academy", "institute", "agency", "solutions", "hub", "pathway", "staffing",
})  # fmt: skip
# Runs of keys next to each other: "qwerty", "asdf" and "zxcv" name nobody.
KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "azertyuiop", "qwertzuiop", "1234567890")
