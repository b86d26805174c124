"""Differences between two images, and their attribution to the fixes that declared them."""

from __future__ import annotations

from pathlib import Path

from archives import ArchiveSpec, Member, directory, file, write_archive
from test_packages import EXTENDED, STATUS

from fixer.diagnostic import Applicability, Diagnostic, ImageChanges, PackageChanges
from fixer.report.verify import fix_summary, render_json, render_markdown, render_text, unexplained_lines
from fixer.verify import ImageSummary, Verdict, VerifyReport
from fixer.verify.compare import Difference, Kind, compare
from fixer.verify.explain import attribute
from fixer.verify.image import Image, read_archive
from fixer.verify.packages import is_database_file, read_packages


def image(tmp_path: Path, name: str, *layers: list[Member], config: dict[str, object] | None = None) -> Image:
    path = write_archive(tmp_path / f"{name}.tar", ArchiveSpec(list(layers), config or {}))
    return read_archive(path, keep=is_database_file)


def fix(code: str, changes: ImageChanges, line: int = 2) -> Diagnostic:
    return Diagnostic(code, f"rule-{code}", line, 1, "m", Applicability.SAFE, True, "title", changes=changes)


def differences(before: Image, after: Image) -> list[Difference]:
    return compare(before, after, (read_packages(before.contents), read_packages(after.contents)))


def test_identical_images_have_no_differences(tmp_path: Path) -> None:
    layer = [directory("app/"), file("app/x", b"x")]
    assert differences(image(tmp_path, "a", layer), image(tmp_path, "b", layer)) == []


def test_builder_stubs_logs_and_labels_are_not_differences(tmp_path: Path) -> None:
    before = image(tmp_path, "a", [file("app", b"1")], config={"Labels": {"io.buildah.version": "1.28"}})
    after = image(
        tmp_path,
        "b",
        [file("app", b"1")],
        [
            directory("proc/"),
            file("etc/hosts", mode=0o755),
            file("var/log/apt/history.log", b"Start-Date: now"),
        ],
        config={"Labels": {"io.buildah.version": "1.39"}, "Shell": ["/bin/sh", "-c"], "WorkingDir": "/"},
    )
    found = differences(before, after)
    assert [d.kind for d in found] == [Kind.LAYERS]  # an unset Shell is /bin/sh -c, WORKDIR / is unset


def test_every_kind_of_file_change_is_seen(tmp_path: Path) -> None:
    before = image(
        tmp_path, "a", [file("a", b"1"), file("b", b"2"), file("c", b"3", mode=0o4755), file("d", b"4")]
    )
    after = image(
        tmp_path,
        "b",
        [file("a", b"changed"), file("c", b"3", mode=0o755), file("d", b"4", uid=1000), file("e")],
    )
    found = {d.subject: d for d in differences(before, after)}
    assert set(found) == {"/a", "/b", "/c", "/d", "/e"}
    assert found["/b"].change == "removed" and found["/e"].change == "added"
    assert found["/c"].before == "mode 4755" and found["/c"].after == "mode 0755"
    assert found["/d"].before == "owner 0:0" and found["/d"].after == "owner 1000:0"
    assert found["/a"].before.startswith("content ")


def test_config_differences_and_their_explanation(tmp_path: Path) -> None:
    before = image(tmp_path, "a", [file("x")], config={"User": "", "Shell": None})
    after = image(tmp_path, "b", [file("x")], config={"User": "10001:10001", "Shell": ["/bin/bash", "-c"]})
    found = differences(before, after)
    assert {d.subject for d in found} == {"User", "Shell"}
    packages = (read_packages(before.contents), read_packages(after.contents))
    result = attribute(found, [fix("DF602", ImageChanges(config=("Shell",)))], packages)
    assert [d.subject for d in result.unexplained] == ["User"]
    assert [d.subject for d in result.explained[0].differences] == ["Shell"]


def test_paths_and_layers_explain_what_they_declare(tmp_path: Path) -> None:
    lists = [directory("var/lib/apt/lists/"), file("var/lib/apt/lists/deb_Packages", b"p" * 100_000)]
    before = image(tmp_path, "a", [file("bin/x")], lists, [file("app", b"1")])
    after = image(tmp_path, "b", [file("bin/x"), file("app", b"1")])
    found = differences(before, after)
    packages = (read_packages(before.contents), read_packages(after.contents))
    fixes = [
        fix("DF102", ImageChanges(paths=("/var/lib/apt/lists/**",))),
        fix("DF501", ImageChanges(layers=True)),
    ]
    result = attribute(found, fixes, packages)
    assert result.ok
    assert fix_summary(result.explained[0]) == "2 files removed under /var/lib/apt/lists (0.1 MB)"
    assert fix_summary(result.explained[1]) == "3 → 1 layers"
    assert not attribute(found, fixes[:1], packages).ok  # the layers are nobody's then


def _dpkg_layer(status: bytes, extended: bytes, lists: dict[str, bytes]) -> list[Member]:
    members = [file("var/lib/dpkg/status", status), file("var/lib/apt/extended_states", extended)]
    members += [file(f"var/lib/dpkg/info/{name}.list", data) for name, data in lists.items()]
    return members


def _without(status: bytes, *names: str) -> bytes:
    paragraphs = status.decode().split("\n\n")
    return "\n\n".join(
        p for p in paragraphs if not any(p.startswith(f"Package: {n}\n") for n in names)
    ).encode()


def test_recommended_packages_may_go_with_their_files(tmp_path: Path) -> None:
    lists = {"libldap-common": b"/etc/ldap\n/etc/ldap/ldap.conf\n", "curl": b"/usr/bin/curl\n"}
    before = image(
        tmp_path,
        "a",
        _dpkg_layer(STATUS, EXTENDED, lists),
        [
            file("usr/bin/curl", b"c"),
            file("etc/ldap/ldap.conf", b"conf"),
            file("etc/ldap/made-by-postinst", b"p"),
        ],
    )
    after = image(
        tmp_path,
        "b",
        _dpkg_layer(_without(STATUS, "libldap-common"), EXTENDED, {"curl": lists["curl"]}),
        [file("usr/bin/curl", b"c")],
    )
    found = differences(before, after)
    packages = (read_packages(before.contents), read_packages(after.contents))
    result = attribute(found, [fix("DF104", ImageChanges(packages=PackageChanges.RECOMMENDED))], packages)
    assert result.ok, (result.unexplained, result.unexplained_folded)
    (explained,) = result.explained
    assert [d.subject for d in explained.differences] == ["libldap-common"]
    assert {d.subject for d in explained.folded} >= {"/etc/ldap/ldap.conf", "/etc/ldap/made-by-postinst"}
    assert "1 package no longer installed: libldap-common" in fix_summary(explained)


def test_a_needed_package_removed_is_unexplained_and_says_why(tmp_path: Path) -> None:
    before = image(
        tmp_path, "a", _dpkg_layer(STATUS, EXTENDED, {"curl": b"/usr/bin/curl\n"}), [file("usr/bin/curl")]
    )
    after = image(tmp_path, "b", _dpkg_layer(_without(STATUS, "curl"), EXTENDED, {}), [])
    found = differences(before, after)
    packages = (read_packages(before.contents), read_packages(after.contents))
    result = attribute(found, [fix("DF999", ImageChanges(packages=PackageChanges.RECOMMENDED))], packages)
    assert [d.subject for d in result.unexplained] == ["curl"]
    assert "/usr/bin/curl" in {d.subject for d in result.unexplained_folded}
    report = VerifyReport("Dockerfile", Verdict.UNEXPLAINED, [result.explained[0].fix], attribution=result)
    (line, folded) = unexplained_lines(report)
    assert line == (
        "curl: removed (7.88.1-10+deb12u12): DF999 may remove only packages that were only recommended;"
        " this one was installed by name"
    )
    assert folded == "2 files removed, /var/lib/dpkg/status changed with the packages above"


def test_reports_name_moves_and_render_in_three_formats(tmp_path: Path) -> None:
    before = image(tmp_path, "a", [file("installed.marker"), file("src/input.txt", b"in")])
    after = image(tmp_path, "b", [file("src/installed.marker"), file("src/input.txt", b"in")])
    found = differences(before, after)
    packages = (read_packages(before.contents), read_packages(after.contents))
    result = attribute(found, [fix("DF501", ImageChanges(layers=True), line=3)], packages)
    summary = ImageSummary("localhost/t:1", 1, 10_000_000, 0, None, (), 1.25)
    report = VerifyReport(
        "Dockerfile",
        Verdict.UNEXPLAINED,
        [result.explained[0].fix],
        "buildah 1.28.2",
        [],
        summary,
        summary,
        result,
    )
    assert unexplained_lines(report) == ["/src/installed.marker: added (file 0644) (was /installed.marker)"]
    text = render_text(report)
    assert "DF501 rule-DF501 (line 3): no difference in the image" in text
    assert "unexplained (fixes applied: DF501):" in text
    assert (
        "| **unexplained** (DF501) | /src/installed.marker: added (file 0644) (was /installed.marker) |"
        in (render_markdown(report))
    )
    assert '"verdict": "unexplained"' in render_json([report], "0.1.0")


def test_a_package_a_fix_installs_by_name_may_be_new_with_its_dependencies(tmp_path: Path) -> None:
    lists = {"curl": b"/usr/bin/curl\n"}
    without = _without(STATUS, "ca-certificates", "openssl")
    before = image(tmp_path, "a", _dpkg_layer(without, EXTENDED, lists))
    after = image(tmp_path, "b", _dpkg_layer(STATUS, EXTENDED, lists))
    found = differences(before, after)
    packages = (read_packages(before.contents), read_packages(after.contents))
    installs = fix("DF104", ImageChanges(packages=PackageChanges.RECOMMENDED, installs=("ca-certificates",)))
    result = attribute(found, [installs], packages)
    assert result.ok, result.unexplained
    assert {d.subject for d in result.explained[0].differences} == {"ca-certificates", "openssl"}
    other = attribute(found, [fix("DF104", ImageChanges(packages=PackageChanges.RECOMMENDED))], packages)
    assert {d.subject for d in other.unexplained} == {"ca-certificates", "openssl"}
