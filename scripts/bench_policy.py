"""Throughput of the offline comment policy on one core, per check, and of `moderate check`.

Usage (from the project folder):

    .venv/bin/python scripts/bench_policy.py --comments 5000 --passes 3

Builds the policy once from a throwaway copy of the blog's settings (tests/servers.py
`make_project`; nothing is written into the repository), with form tokens, no Akismet, no
live link check, then runs it single-threaded, pinned to one CPU, over a realistic mix of
comments: texts from ../shared/data/civility/insults_train.csv and
../shared/data/spam/youtube_train.csv when present (generated text otherwise), with
plausible names (real names, handles, placeholders, adverts), blog links (own blogs, social
profiles, job boards, shorteners, local addresses), e-mails, honeypots and signed form tokens.

Prints comments/s, p50/p90/p99 per comment, the time of each check's `__call__` measured
separately, and the wall time of `moderate check --offline` over the same comments as
JSON lines (and of one line, which is the start-up cost). `--profile` adds cProfile's top
functions over one pass; `--json FILE` keeps the raw figures.

No figure is printed for work that was not done: every pass must give every comment a
verdict, with no check failing (a check that raises is held as `<check>.failed`, quickly),
and both passing and held or spam verdicts, as the mix holds both; `moderate check` must
print one JSON verdict per line. Otherwise the script stops with `PeerDidNotRun`.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import hashlib
import io
import json
import os
import pstats
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # what tests/servers.py imports beside it

from moderation.formtoken import FormTokens  # noqa: E402
from moderation.model import Check, Outcome, Submission  # noqa: E402
from moderation.policy import Policy  # noqa: E402
from moderation.settings import Settings  # noqa: E402
from tests.servers import make_project  # noqa: E402

DATA = ROOT.parent / "shared" / "data"  # the shared data, beside the project
CIVILITY_CSV = DATA / "civility" / "insults_train.csv"
SPAM_CSV = DATA / "spam" / "youtube_train.csv"
BENCH_ENV = {
    "COMMENTS_RATE_LIMIT": "0",
    "COMMENTS_AKISMET_KEY": "",
    "COMMENTS_VERIFY_LINKS": "false",
    "COMMENTS_SMTP_HOST": "",
}
SECRET = "bench-secret-not-used-anywhere-else"

ARTICLES = (
    "coffee-meal-beer-rule",
    "how-to-write-a-follow-up",
    "lonely-job-search",
    "tell-rejected-candidates-why",
    "recruiters-leave-the-desk",
)
REAL_NAMES = (
    "Ada Lovelace", "Grace Hopper", "Seán O'Brien", "Nguyễn Thị Loan", "李小龙",
    "Anne-Marie Dubois",
    "José García Márquez", "Mary-Kate McAllister", "Priya Raghunathan", "Oluwaseun Adeyemi",
    "Jan van der Berg", "Zoë Kravitz", "Kenji Watanabe", "Fatima Al-Sayed", "D. J. Patil",
    "Björn Ångström", "Aleksandr Pushkin", "Maria Schmidt", "Tom Jones", "Leah Goldberg",
)  # fmt: skip
HANDLES = (
    "xXgamerXx", "jsmith_88", "admin", "Anonymous", "guest", "coolguy2000", "ninja-coder",
    "john doe", "N/A", "TheRealRecruiter", "@ada_codes", "ada@example.org", "HIRE ME NOW",
)  # fmt: skip
ADVERTS = ("Best SEO Services", "Cheap Essay Writing", "Crypto Forex Signals Ltd")
OWN_BLOGS = (
    "https://adalovelace.dev/", "https://blog.gracehopper.org/", "http://obrien.ie/blog/",
    "https://loan.nguyen.vn/", "https://www.priya-writes.com/posts/", "https://jan.berg.nl",
    "https://kenji.example.jp/ja/", "https://mariaschmidt.de/", "https://tomjones.substack.com/",
    "https://leah.goldberg.me/notes/",
)  # fmt: skip
SOCIAL = (
    "https://www.linkedin.com/in/ada-lovelace", "https://twitter.com/ada", "https://x.com/ada",
    "https://www.facebook.com/ada.lovelace", "https://github.com/ada", "https://linktr.ee/ada",
    "https://www.instagram.com/ada/", "https://mastodon.social/@ada",
)  # fmt: skip
JOB_BOARDS = ("https://www.indeed.com/r/ada", "https://www.upwork.com/freelancers/~01ab")
SHORTENED = ("https://bit.ly/3xYz", "https://lnkd.in/abc", "https://tinyurl.com/yblog")
BAD_LINKS = ("http://192.168.1.10/", "http://localhost:8000/", "adalovelace.dev", "ftp://x.org")
USER_AGENTS = (
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Safari/604.1",
    "python-requests/2.32.3",
)
BLOG_SENTENCES = (
    "Thank you for this post, it matches what I saw in my last job search.",
    "I tried the coffee rule with three former colleagues and two of them introduced me on.",
    "I disagree with the part about follow-ups: after two messages I stop.",
    "Recruiters in my field rarely answer, so the advice about meeting in person helps.",
    "Could you write more about networking when you are an introvert?",
    "The template for the thank-you note is useful, I adapted it for my team.",
    "Honestly this is the best summary of informational interviews I have read.",
    "We tell rejected candidates why at our company, and it takes ten minutes each.",
)
BLOG_DETAILS = (
    "I have been looking for {n} weeks now, here in {city}.",
    "Our team in {city} hired {n} people this year, all of them through referrals.",
    "After {n} applications I finally had coffee with someone from {city} who helped.",
    "In {city} the meetups are small, about {n} people, which makes talking easier.",
    "It took me {n} follow-ups over a year; the last one worked.",
)
CITIES = ("Leeds", "Lyon", "Austin", "Pune", "Lagos", "Utrecht", "Osaka", "Porto", "Calgary")
FALLBACK_INSULTS = (
    "you are an idiot and your post is garbage",
    "only a moron would write this, go back to school",
    "shut up, nobody cares what you think, clown",
)
FALLBACK_SPAM = (
    "check out my channel and subscribe!!! http://bit.ly/free",
    "EARN $500 A DAY FROM HOME click here www.cash-now.biz",
    "follow me on instagram for free followers",
)


@dataclass
class Mix:
    submissions: list[Submission]
    sources: Counter[str]
    labels: list[str]  # each comment's text source, e.g. "youtube-data:spam"


def model_versions() -> str:
    """The policy's model artefacts in use (they are retrained now and then): sha256 prefixes."""
    folder = ROOT / "moderation" / "policy" / "models"
    found = sorted(folder.glob("*.json.gz")) if folder.is_dir() else []
    if not found:
        return "no model artefacts found"
    return ", ".join(f"{f.name} {hashlib.sha256(f.read_bytes()).hexdigest()[:12]}" for f in found)


def read_texts(path: Path) -> list[tuple[str, int]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            (row["text"].strip().strip('"')[:10_000], int(row["label"]))
            for row in csv.DictReader(handle)
            if row.get("text", "").strip()
        ]


def texts(rng: random.Random) -> tuple[list[tuple[str, str]], str]:
    """(source, text) pairs: the labelled data sets when present, generated text otherwise."""
    pairs: list[tuple[str, str]] = []
    if CIVILITY_CSV.exists() and SPAM_CSV.exists():
        for text, label in read_texts(CIVILITY_CSV):
            pairs.append(("insults-data:" + ("insult" if label else "civil"), text))
        for text, label in read_texts(SPAM_CSV):
            pairs.append(("youtube-data:" + ("spam" if label else "ham"), text))
        origin = f"{CIVILITY_CSV} and {SPAM_CSV}"
    else:
        origin = "generated (data folder absent)"
    for _ in range(max(500, len(pairs) // 4)):
        body = " ".join(rng.sample(BLOG_SENTENCES, rng.randint(1, 4)))
        detail = rng.choice(BLOG_DETAILS).format(n=rng.randint(2, 40), city=rng.choice(CITIES))
        pairs.append(("generated:blog", f"{body} {detail}"))
    for _ in range(100):
        pairs.append(("generated:insult", rng.choice(FALLBACK_INSULTS)))
        pairs.append(("generated:spam", rng.choice(FALLBACK_SPAM)))
    return pairs, origin


def pick_name(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.72:
        return rng.choice(REAL_NAMES)
    if roll < 0.90:
        return rng.choice(HANDLES)
    if roll < 0.96:
        return rng.choice(ADVERTS)
    return ""


def pick_url(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.65:
        return rng.choice(OWN_BLOGS)
    if roll < 0.80:
        return rng.choice(SOCIAL)
    if roll < 0.85:
        return rng.choice(JOB_BOARDS)
    if roll < 0.90:
        return rng.choice(SHORTENED)
    if roll < 0.95:
        return rng.choice(BAD_LINKS)
    return ""


def build_mix(count: int, seed: int) -> tuple[Mix, str]:
    rng = random.Random(seed)
    pool, origin = texts(rng)
    submissions: list[Submission] = []
    sources: Counter[str] = Counter()
    labels: list[str] = []
    rng.shuffle(pool)  # drawn without replacement while the pool lasts: few duplicates
    for i in range(count):
        source, body = pool[i % len(pool)]
        sources[source.split(":")[0]] += 1
        labels.append(source)
        name = pick_name(rng)
        submissions.append(
            Submission(
                article=rng.choice(ARTICLES),
                name=name,
                blog_url=pick_url(rng),
                body=body,
                email=f"reader{i}@example.org" if rng.random() < 0.5 else "",
                ip=f"203.0.113.{rng.randint(1, 254)}",
                user_agent=rng.choice(USER_AGENTS),
                honeypot="http://spam.example/" if rng.random() < 0.02 else "",
            )
        )
    return Mix(submissions, sources, labels), origin


def with_tokens(mix: Mix, tokens: FormTokens, seed: int) -> list[Submission]:
    """Fresh form tokens for this pass (each nonce is good once): 70% valid, 3% forged.

    The comments are dated 30 s after the token was issued, so the too-fast rule is not what
    every one of them trips.
    """
    rng = random.Random(seed)
    later = datetime.now(UTC) + timedelta(seconds=30)
    out = []
    for submission in mix.submissions:
        roll = rng.random()
        token = ""
        if roll < 0.70:
            token = tokens.issue(submission.article)
        elif roll < 0.73:
            token = tokens.issue(submission.article)[:-4] + "AAAA"
        out.append(replace(submission, form_token=token, submitted_at=later))
    return out


class TimedCheck:
    """A check wrapper that adds up the time of every call, for the per-check breakdown."""

    def __init__(self, check: Check) -> None:
        self.check = check
        self.name = check.name
        self.costly = getattr(check, "costly", False)
        self.times: list[int] = []

    def __call__(self, submission: Submission) -> Outcome:
        start = time.perf_counter_ns()
        try:
            return self.check(submission)
        finally:
            self.times.append(time.perf_counter_ns() - start)


@dataclass
class PassResult:
    seconds: float
    cpu_seconds: float  # this process's CPU time: a fair figure when the core is shared
    per_comment_ns: list[int] = field(repr=False)
    verdicts: Counter[str] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    each: list[str] = field(default_factory=list, repr=False)  # each comment's verdict

    @property
    def rate(self) -> float:
        return len(self.per_comment_ns) / self.seconds

    @property
    def cpu_rate(self) -> float:
        return len(self.per_comment_ns) / self.cpu_seconds


def make_policy(settings: Settings) -> Policy:
    return Policy.from_settings(
        settings, tokens=FormTokens(SECRET, settings["COMMENTS_FORM_MAX_AGE"])
    )


def run_pass(policy: Policy, submissions: Sequence[Submission]) -> PassResult:
    per: list[int] = []
    each: list[str] = []
    verdicts: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    clock = time.perf_counter_ns
    cpu = time.process_time()
    start = clock()
    for submission in submissions:
        t0 = clock()
        review = policy.run(submission)
        per.append(clock() - t0)
        verdicts[review.verdict.value] += 1
        each.append(review.verdict.value)
        codes.update(r.outcome.code for r in review.failures)
    seconds = (clock() - start) / 1e9
    return PassResult(seconds, time.process_time() - cpu, per, verdicts, codes, each)


class PeerDidNotRun(Exception):
    """The policy or `moderate check` did not judge the comments: a rate would measure nothing."""


def verify_pass(result: PassResult, count: int, label: str) -> None:
    """Refuse a pass that skipped comments, had a check fail, or gave only one kind of verdict."""
    failed = {code: n for code, n in result.codes.items() if code.endswith(".failed")}
    problems = []
    if len(result.per_comment_ns) != count:
        problems.append(f"{len(result.per_comment_ns)} verdicts for {count} comments")
    if failed:
        problems.append(f"checks failed: {failed}")
    if not result.verdicts["pass"] or result.verdicts["pass"] == count:
        problems.append(f"verdicts {dict(result.verdicts)}: the mix holds both kinds")
    if problems:
        raise PeerDidNotRun(f"{label}: {'; '.join(problems)}")


def us(values: Sequence[int], pct: float, digits: int = 0) -> str:
    """A percentile of nanosecond timings, in microseconds, formatted."""
    return f"{percentile(values, pct) / 1e3:,.{digits}f}"


def percentile(values: Sequence[int | float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return float(ordered[index])


def pin_one_cpu(cpu: int | None) -> str:
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned"
    cpus = sorted(os.sched_getaffinity(0))
    chosen = cpus[-1] if cpu is None else cpu
    os.sched_setaffinity(0, {chosen})
    return f"pinned to CPU {chosen} of {len(cpus)}"


def bench_cli(settings_file: Path, mix: Mix, work: Path, lines: int) -> dict[str, Any]:
    """`moderate check --offline` over `lines` JSON lines, and over one line (start-up)."""
    moderate = ROOT / ".venv" / "bin" / "moderate"
    env = {**os.environ, **BENCH_ENV}
    results: dict[str, Any] = {}
    for label, count in (("one line", 1), (f"{lines:,} lines", lines)):
        source = work / f"cli-{count}.jsonl"
        with source.open("w", encoding="utf-8") as out:
            for i in range(count):
                s = mix.submissions[i % len(mix.submissions)]
                record = {"name": s.name, "url": s.blog_url, "email": s.email, "body": s.body}
                record |= {"article": s.article, "ip": s.ip, "user_agent": s.user_agent}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        command = [str(moderate), "--settings", str(settings_file), "check", "--offline"]
        with source.open("rb") as stdin:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            completed = subprocess.run(
                command, stdin=stdin, capture_output=True, env=env, timeout=600, check=False
            )
            seconds = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        output = completed.stdout.decode().splitlines()
        verdicts = [json.loads(line).get("verdict") for line in output]
        if (
            completed.returncode not in (0, 1)
            or len(output) != count
            or not set(verdicts) <= {"pass", "hold", "spam"}
        ):
            raise PeerDidNotRun(
                f"moderate check: exit {completed.returncode}, {len(output)} lines for {count},"
                f" verdicts {Counter(verdicts)}: {completed.stderr.decode()[-2000:]}"
            )
        results[label] = {
            "lines": count,
            "seconds": seconds,
            "cpu_seconds": cpu,
            "exit": completed.returncode,
        }
    return results


def profile_pass(settings: Settings, mix: Mix, seed: int, top: int) -> str:
    policy = make_policy(settings)
    submissions = with_tokens(mix, policy_tokens(policy), seed)
    profiler = cProfile.Profile()
    profiler.enable()
    run_pass(policy, submissions)
    profiler.disable()
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("tottime").print_stats(top)
    return buffer.getvalue()


def policy_tokens(policy: Policy) -> FormTokens:
    for check in policy.checks:
        tokens = getattr(check, "tokens", None)
        if isinstance(tokens, FormTokens):
            return tokens
    raise RuntimeError("the policy has no form-token check")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--comments", type=int, default=5000, help="comments in the mix")
    parser.add_argument("--passes", type=int, default=3, help="timed passes over the mix")
    parser.add_argument("--seed", type=int, default=20251123)
    parser.add_argument("--cpu", type=int, help="CPU to pin to (default: the last one)")
    parser.add_argument("--cli-lines", type=int, default=5000, help="0 skips the CLI run")
    parser.add_argument("--profile", type=int, default=0, help="show the top N of cProfile")
    parser.add_argument("--json", type=Path, help="write the raw figures here")
    args = parser.parse_args(argv)

    pinned = pin_one_cpu(args.cpu)
    work = Path(tempfile.mkdtemp(prefix="bench-policy-"))
    try:
        project = make_project(work / "project")
        environ = {**os.environ, **BENCH_ENV}
        start = time.perf_counter()
        settings = Settings.load(project.settings_file, environ)
        policy = make_policy(settings)
        build_seconds = time.perf_counter() - start
        mix, origin = build_mix(args.comments, args.seed)

        # Warm-up (first calls fill caches, compile regexes), then plain timed passes, each with
        # a fresh policy: duplicate detection and the replay guard remember earlier passes.
        run_pass(policy, with_tokens(mix, policy_tokens(policy), args.seed)[:500])
        passes = []
        for n in range(args.passes):
            policy = make_policy(settings)
            submissions = with_tokens(mix, policy_tokens(policy), args.seed + n)
            passes.append(run_pass(policy, submissions))
            verify_pass(passes[-1], len(submissions), f"pass {n + 1}")

        # The breakdown: the same mix again, each check's __call__ timed on its own.
        policy = make_policy(settings)
        timed = [TimedCheck(c) for c in policy.checks]
        timed_policy = Policy(timed)
        timed_pass = run_pass(timed_policy, with_tokens(mix, policy_tokens(policy), args.seed))
        verify_pass(timed_pass, len(mix.submissions), "the per-check pass")

        cli = bench_cli(project.settings_file, mix, work, args.cli_lines) if args.cli_lines else {}
        profile = profile_pass(settings, mix, args.seed, args.profile) if args.profile else ""
    except PeerDidNotRun as error:
        print(f"bench_policy: refusing to report: {error}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)

    best = max(passes, key=lambda p: p.rate)
    all_ns = [ns for p in passes for ns in p.per_comment_ns]
    print(f"# Offline policy: {args.comments:,} comments x {args.passes} passes, {pinned}")
    print(f"texts: {origin}; mix by source: {dict(mix.sources)}")
    print(f"policy built (settings + models) in {build_seconds * 1000:.0f} ms")
    print(f"models: {model_versions()}")
    print(f"verdicts (one pass): {dict(best.verdicts)}")
    print(f"top failure codes: {best.codes.most_common(12)}")
    by_label: dict[str, Counter[str]] = {}
    for label, verdict in zip(mix.labels, best.each, strict=True):
        by_label.setdefault(label, Counter())[verdict] += 1
    print("verdicts by text source:", {k: dict(v) for k, v in sorted(by_label.items())})
    print()
    print("| pass | comments/s (wall) | per CPU-second | p50 µs | p90 µs | p99 µs | max µs |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for i, p in enumerate(passes, start=1):
        ns = p.per_comment_ns
        print(
            f"| {i} | {p.rate:,.0f} | {p.cpu_rate:,.0f} | {us(ns, 50)} | {us(ns, 90)}"
            f" | {us(ns, 99)} | {max(ns) / 1e3:,.0f} |"
        )
    print(
        f"| median | {statistics.median(p.rate for p in passes):,.0f}"
        f" | {statistics.median(p.cpu_rate for p in passes):,.0f}"
        f" | {us(all_ns, 50)} | {us(all_ns, 90)} | {us(all_ns, 99)} | {max(all_ns) / 1e3:,.0f} |"
    )
    print()
    total = sum(sum(t.times) for t in timed)
    print(
        f"Per check (one pass, each __call__ timed; {timed_pass.rate:,.0f} comments/s with timers)"
    )
    print()
    print("| check | mean µs | p50 µs | p99 µs | max µs | share of check time |")
    print("|---|---:|---:|---:|---:|---:|")
    for t in sorted(timed, key=lambda t: -sum(t.times)):
        print(
            f"| {t.name} | {statistics.fmean(t.times) / 1e3:,.1f} | {us(t.times, 50, 1)}"
            f" | {us(t.times, 99, 1)} | {max(t.times) / 1e3:,.0f}"
            f" | {sum(t.times) / total:.1%} |"
        )
    if cli:
        print()
        print("| `moderate check --offline` | wall s | CPU s | comments/s (wall) |")
        print("|---|---:|---:|---:|")
        one = cli["one line"]["seconds"]
        for label, r in cli.items():
            rate = "" if r["lines"] == 1 else f"{r['lines'] / r['seconds']:,.0f}"
            if r["lines"] > 1:
                rate += f" ({r['lines'] / (r['seconds'] - one):,.0f} after start-up)"
            print(f"| {label} | {r['seconds']:.2f} | {r['cpu_seconds']:.2f} | {rate} |")
    if profile:
        print()
        print(profile)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "comments": args.comments,
                    "pinned": pinned,
                    "origin": origin,
                    "build_seconds": build_seconds,
                    "passes": [
                        {
                            "rate": p.rate,
                            "cpu_rate": p.cpu_rate,
                            "p50_us": percentile(p.per_comment_ns, 50) / 1e3,
                            "p99_us": percentile(p.per_comment_ns, 99) / 1e3,
                            "verdicts": dict(p.verdicts),
                        }
                        for p in passes
                    ],
                    "checks": {
                        t.name: {
                            "mean_us": statistics.fmean(t.times) / 1e3,
                            "total_ms": sum(t.times) / 1e6,
                        }
                        for t in timed
                    },
                    "cli": cli,
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
