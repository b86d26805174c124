"""DF0xx: dfix's own comments — suppressions that silence nothing or name no rule."""
