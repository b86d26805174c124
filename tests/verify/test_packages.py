"""Package databases read from image files: dpkg (+ apt's auto flags) and apk."""

from __future__ import annotations

from fixer.verify.packages import (
    APK_INSTALLED,
    APT_EXTENDED_STATES,
    DPKG_STATUS,
    is_database_file,
    read_packages,
)

STATUS = b"""\
Package: curl
Status: install ok installed
Priority: optional
Architecture: amd64
Version: 7.88.1-10+deb12u12
Depends: libc6 (>= 2.34), libcurl4 (= 7.88.1-10+deb12u12), zlib1g (>= 1:1.1.4)
Description: command line tool
 for transferring data with URL syntax

Package: libcurl4
Status: install ok installed
Architecture: amd64
Version: 7.88.1-10+deb12u12
Depends: libc6 (>= 2.34), libldap-2.5-0 (>= 2.5.4)
Recommends: ca-certificates

Package: ca-certificates
Status: install ok installed
Architecture: all
Version: 20230311
Depends: openssl (>= 1.1.1)

Package: openssl
Status: install ok installed
Architecture: amd64
Version: 3.0.15-1~deb12u1
Depends: libc6 (>= 2.34)

Package: libldap-2.5-0
Status: install ok installed
Architecture: amd64
Version: 2.5.13
Depends: libc6, libsasl2-2 | libsasl2-2-alt
Recommends: libldap-common

Package: libldap-common
Status: install ok installed
Architecture: all
Version: 2.5.13

Package: libsasl2-2
Status: install ok installed
Architecture: amd64
Version: 2.1.28
Depends: libsasl2-modules-db:any

Package: libsasl2-modules-db
Status: install ok installed
Architecture: amd64
Version: 2.1.28
Provides: sasl-db

Package: libc6
Status: install ok installed
Architecture: amd64
Version: 2.36-9
Essential: yes

Package: zlib1g
Status: install ok installed
Architecture: amd64
Version: 1:1.2.13

Package: removed-one
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0
"""

EXTENDED = b"""\
Package: libcurl4
Architecture: amd64
Auto-Installed: 1

Package: ca-certificates
Architecture: all
Auto-Installed: 1

Package: openssl
Architecture: amd64
Auto-Installed: 1

Package: libldap-2.5-0
Architecture: amd64
Auto-Installed: 1

Package: libldap-common
Architecture: all
Auto-Installed: 1

Package: libsasl2-2
Architecture: amd64
Auto-Installed: 1

Package: libsasl2-modules-db
Architecture: amd64
Auto-Installed: 1
"""


def dpkg_contents() -> dict[str, bytes]:
    return {
        DPKG_STATUS: STATUS,
        APT_EXTENDED_STATES: EXTENDED,
        "/var/lib/dpkg/info/curl.list": b"/.\n/usr\n/usr/bin\n/usr/bin/curl\n",
        "/var/lib/dpkg/info/libldap-common.list": b"/etc/ldap\n/etc/ldap/ldap.conf\n",
        "/var/lib/dpkg/info/libcurl4:amd64.list": b"/usr/lib/x86_64-linux-gnu/libcurl.so.4\n",
    }


def test_dpkg_installed_packages_with_versions_and_files() -> None:
    packages = read_packages(dpkg_contents())
    assert packages.manager == "dpkg"
    assert "removed-one" not in packages.installed  # config files only: not installed
    curl = packages.installed["curl"]
    assert curl.version == "7.88.1-10+deb12u12" and not curl.auto
    assert curl.depends == (("libc6",), ("libcurl4",), ("zlib1g",))
    assert curl.files[-1] == "/usr/bin/curl"
    assert packages.installed["libcurl4"].files == (
        "/usr/lib/x86_64-linux-gnu/libcurl.so.4",
    )  # name:arch.list
    assert packages.installed["libldap-2.5-0"].depends == (("libc6",), ("libsasl2-2", "libsasl2-2-alt"))
    assert packages.installed["libsasl2-modules-db"].provides == ("sasl-db",)


def test_only_recommended_follows_depends_from_the_packages_installed_by_name() -> None:
    packages = read_packages(dpkg_contents())
    # ca-certificates and openssl only come through libcurl4's Recommends; libldap-common through
    # libldap's; everything else is a Depends of curl (installed by name) or not auto at all.
    assert packages.only_recommended() == {"ca-certificates", "openssl", "libldap-common"}


def test_owners_maps_paths_to_packages() -> None:
    owners = read_packages(dpkg_contents()).owners()
    assert owners["/usr/bin/curl"] == {"curl"}
    assert owners["/etc/ldap/ldap.conf"] == {"libldap-common"}


def test_apk_database() -> None:
    installed = b"""\
C:Q1abc=
P:musl
V:1.2.4-r2
A:x86_64
F:lib
R:ld-musl-x86_64.so.1
R:libc.musl-x86_64.so.1

C:Q1def=
P:curl
V:8.5.0-r0
D:ca-certificates-bundle so:libc.musl-x86_64.so.1 so:libcurl.so.4
p:cmd:curl=8.5.0-r0
F:usr/bin
R:curl
"""
    packages = read_packages({APK_INSTALLED: installed})
    assert packages.manager == "apk"
    assert packages.installed["musl"].files == (
        "/lib",
        "/lib/ld-musl-x86_64.so.1",
        "/lib/libc.musl-x86_64.so.1",
    )
    assert packages.installed["curl"].version == "8.5.0-r0"
    assert ("ca-certificates-bundle",) in packages.installed["curl"].depends
    assert packages.installed["curl"].provides == ("cmd:curl",)


def test_no_database_is_no_package_manager() -> None:
    assert read_packages({}).manager is None


def test_database_files_are_the_ones_kept() -> None:
    assert is_database_file(DPKG_STATUS)
    assert is_database_file("/var/lib/dpkg/info/curl.list")
    assert not is_database_file("/var/lib/dpkg/info/curl.md5sums")
    assert is_database_file("/usr/lib/sysimage/rpm/rpmdb.sqlite")
