"""Setuid/setgid bits a fix drops, the user an image runs as, and how the reports say both."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from archives import Member, directory, file
from test_compare_explain import differences, fix, image

from fixer.diagnostic import ImageChanges
from fixer.report.verify import fix_summary, render_json, render_markdown, render_text, unexplained_lines
from fixer.verify import ImageSummary, Verdict, VerifyReport
from fixer.verify.accounts import user_notes
from fixer.verify.compare import Difference, Kind, user_as_read
from fixer.verify.explain import Attribution, attribute
from fixer.verify.packages import read_packages

STRIPS_SETID = ImageChanges(setid_bits=True, layers=True)


def _attribute(
    tmp_path: Path, before: list[Member], after: list[Member], changes: ImageChanges
) -> Attribution:
    old, new = image(tmp_path, "a", before), image(tmp_path, "b", after)
    packages = (read_packages(old.contents), read_packages(new.contents))
    return attribute(differences(old, new), [fix("DF302", changes)], packages)


@pytest.mark.parametrize(
    ("before", "after", "dropped"),
    [
        (file("su", b"s", mode=0o4755), file("su", b"s", mode=0o755), True),
        (file("su", b"s", mode=0o6755), file("su", b"s", mode=0o2755), True),  # one bit of two
        (file("su", b"s", mode=0o4755), file("su", b"s", mode=0o700), False),  # other bits too
        (file("su", b"s", mode=0o755), file("su", b"s", mode=0o4755), False),  # a bit added
        (file("su", b"s", mode=0o4755), file("su", b"t", mode=0o755), False),  # and the content
        (file("su", b"s", mode=0o4755), file("su", b"s", mode=0o755, uid=1), False),  # and the owner
        (directory("mail/", mode=0o2775), directory("mail/", mode=0o775), False),  # not a file
    ],
)
def test_only_setid_bits_dropped_from_a_file_is_recognised(
    tmp_path: Path, before: Member, after: Member, dropped: bool
) -> None:
    (found,) = differences(image(tmp_path, "a", [before]), image(tmp_path, "b", [after]))
    assert found.kind is Kind.FILE and found.setid_dropped is dropped
    assert found.modes is not None


def test_a_fix_declaring_setid_bits_explains_only_bits_dropped(tmp_path: Path) -> None:
    before = [
        file("usr/bin/su", b"su", mode=0o4755),
        file("usr/bin/wall", b"wall", mode=0o2755),
        file("usr/bin/tool", b"tool", mode=0o4755),
        file("usr/bin/plain", b"plain", mode=0o755),
    ]
    after = [
        file("usr/bin/su", b"su", mode=0o755),
        file("usr/bin/wall", b"wall", mode=0o755),
        file("usr/bin/tool", b"tool", mode=0o700),
        file("usr/bin/plain", b"plain", mode=0o4755),
    ]
    result = _attribute(tmp_path, before, after, STRIPS_SETID)
    (explained,) = result.explained
    assert [d.subject for d in explained.differences] == ["/usr/bin/su", "/usr/bin/wall"]
    assert fix_summary(explained) == "2 files stripped of setuid/setgid under /usr/bin"
    assert {d.subject: result.reasons[d] for d in result.unexplained} == {
        "/usr/bin/plain": "DF302 may only drop setuid/setgid bits from files; this one sets one",
        "/usr/bin/tool": "DF302 may only drop setuid/setgid bits from files;"
        " this one changes other bits (4755 → 0700)",
    }
    report = VerifyReport("Dockerfile", Verdict.UNEXPLAINED, [explained.fix], attribution=result)
    assert "/usr/bin/tool: mode 4755 → mode 0700: DF302 may only drop" in "\n".join(unexplained_lines(report))


def test_without_setid_bits_a_dropped_bit_is_unexplained(tmp_path: Path) -> None:
    result = _attribute(
        tmp_path,
        [file("bin/su", b"su", mode=0o4755)],
        [file("bin/su", b"su", mode=0o755)],
        ImageChanges(layers=True),
    )
    assert [d.subject for d in result.unexplained] == ["/bin/su"] and not result.reasons
    one = _attribute(
        tmp_path, [file("bin/su", b"su", mode=0o4755)], [file("bin/su", b"su", mode=0o755)], STRIPS_SETID
    )
    assert one.ok and fix_summary(one.explained[0]) == "/bin/su stripped of setuid/setgid"


def test_setid_bits_in_image_changes() -> None:
    assert ImageChanges(setid_bits=True)
    assert ImageChanges(setid_bits=True).describe() == "drops setuid/setgid bits from files"
    assert not ImageChanges()


@pytest.mark.parametrize(
    ("before", "after", "sentence"),
    [
        ("(unset)", "10001:10001", "runs as 10001:10001 (was root)"),
        ("0", "app", "runs as app (was root)"),
        ("root:root", "10001", "runs as 10001 (was root)"),
        ("10001", "(unset)", "runs as root (was 10001)"),
        ("0:1000", "0", "runs as root (was 0:1000)"),
    ],
)
def test_the_user_as_a_person_reads_it(before: str, after: str, sentence: str) -> None:
    assert Difference(Kind.CONFIG, "User", "changed", before, after).describe() == sentence


def test_user_as_read() -> None:
    assert [user_as_read(v) for v in (None, "(unset)", "", "0", "root", "0:0", "root:0")] == ["root"] * 7
    assert user_as_read("nobody") == "nobody"


def _summary(reference: str, suid: tuple[str, ...]) -> ImageSummary:
    return ImageSummary(reference, 2, 5_000_000, 0, None, suid, 1.0)


def test_reports_say_who_the_image_runs_as_and_its_setid_files(tmp_path: Path) -> None:
    before = image(tmp_path, "a", [file("x")])
    after = image(tmp_path, "b", [file("x")], config={"User": "10001:10001"})
    found = differences(before, after)
    packages = (read_packages(before.contents), read_packages(after.contents))
    result = attribute(found, [fix("DF301", ImageChanges(config=("User",)))], packages)
    original = _summary("localhost/dfix-verify/original:x", ("/bin/mount", "/usr/bin/passwd", "/usr/bin/su"))
    fixed = _summary("localhost/dfix-verify/fixed:x", ("/usr/bin/passwd", "/usr/local/bin/new"))
    report = VerifyReport(
        "Dockerfile", Verdict.EXPLAINED, [result.explained[0].fix], "buildah", [], original, fixed, result
    )
    setid = "SUID/SGID files: 3 → 2 (still set: /usr/bin/passwd; new: /usr/local/bin/new)"
    text = render_text(report)
    assert "DF301 rule-DF301 (line 2): runs as 10001:10001 (was root)" in text
    assert f"  {setid}\n" in text
    markdown = render_markdown(report)
    assert "| DF301 `rule-DF301` (line 2) | runs as 10001:10001 (was root) |" in markdown
    assert f"\n{setid}\n" in markdown
    document = json.loads(render_json([report], "0.1.0"))["files"][0]
    (difference,) = document["fixes"][0]["differences"]
    assert (difference["before"], difference["after"]) == ("(unset)", "10001:10001")
    assert difference["description"] == "runs as 10001:10001 (was root)"
    assert document["setid_files"] == {
        "original": 3,
        "fixed": 2,
        "still_set": ["/usr/bin/passwd"],
        "new": ["/usr/local/bin/new"],
        "summary": setid,
    }
    assert document["fixed"]["reference"] == "localhost/dfix-verify/fixed:x"


def test_no_setid_line_when_the_setid_files_are_the_same() -> None:
    same = _summary("r", ("/usr/bin/su",))
    report = VerifyReport("Dockerfile", Verdict.EXPLAINED, [], "buildah", [], same, same)
    assert "SUID/SGID" not in render_text(report) + render_markdown(report)
    assert json.loads(render_json([report], "0.1.0"))["files"][0]["setid_files"] is None


PASSWD = (
    b"root:x:0:0:root:/root:/bin/sh\napp:x:10001:10001::/home/app:/bin/sh\nweb:x:10002:100::/srv:/bin/sh\n"
)
GROUP = b"root:x:0:\nusers:x:100:\napp:x:10001:\n"
ACCOUNTS = {"/etc/passwd": PASSWD, "/etc/group": GROUP}


@pytest.mark.parametrize(
    ("user", "notes"),
    [
        ("app", []),
        ("10001:10001", []),
        ("app:app", []),
        ("10002:100", []),
        (
            "20000:20000",
            [
                "User 20000:20000 has no entry in /etc/passwd: the container runs with numeric ids"
                " (no user name, no supplementary groups); HOME is /"
            ],
        ),
        ("ghost", ["User ghost: ghost has no entry in /etc/passwd; the container will not start"]),
        (
            "10002:10002",
            [
                "User 10002:10002: /etc/passwd gives web (10002) the primary group 100;"
                " the container runs with group 10002 instead"
            ],
        ),
        (
            "app:staff",
            ["User app:staff: group staff has no entry in /etc/group; the container will not start"],
        ),
    ],
)
def test_the_user_held_to_the_images_passwd_and_group(user: str, notes: list[str]) -> None:
    assert user_notes(user, ACCOUNTS) == notes


def test_without_a_passwd_file_only_names_are_noted() -> None:
    assert user_notes("10001:10001", {}) == []
    assert user_notes("app", {}) == [
        "User app: app has no entry in /etc/passwd; the container will not start"
    ]
