"""DF3xx: users and privileges — who the shipped image runs as, SUID/SGID files, sudo, passwords."""
