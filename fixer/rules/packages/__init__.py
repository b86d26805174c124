"""DF1xx: package managers (apt, apk, dnf/yum/zypper, pip, npm/yarn) — prompts, caches, lists."""
