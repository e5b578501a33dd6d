"""Every table has exactly the SPEC's columns, in order, with DuckDB's view of the types."""

from simgen.spec import TABLES


def test_every_table_matches_the_contract(dataset):
    con = dataset.connect()
    for t in TABLES:
        got = [(r[0], r[1]) for r in con.execute(f"DESCRIBE {t.name}").fetchall()]
        want = [(c.name, c.duckdb_type) for c in t.columns]
        assert got == want, t.name


def test_only_nullable_columns_hold_nulls(dataset):
    con = dataset.connect()
    for t in TABLES:
        for c in t.columns:
            nulls = con.execute(f"SELECT count(*) FROM {t.name} WHERE {c.name} IS NULL").fetchone()[0]
            if not c.nullable:
                assert nulls == 0, f"{t.name}.{c.name} has {nulls} NULLs"


def test_nullable_columns_do_hold_nulls(medium):
    """cancel_dt is NULL while a subscription is active; some salaries are unknown."""
    assert medium.one("SELECT count(*) FROM subscriptions WHERE cancel_dt IS NULL")[0] > 0
    assert medium.one("SELECT count(*) FROM salaries WHERE salary IS NULL")[0] > 0


def test_manifest_row_counts_match_the_files(dataset):
    con = dataset.connect()
    for t in TABLES:
        n = con.execute(f"SELECT count(*) FROM {t.name}").fetchone()[0]
        assert n == dataset.manifest["tables"][t.name]["rows"], t.name


def test_volumes_follow_the_spec(medium):
    """SPEC 1.1 volumes per member N (heavy tails allowed, so generous bands)."""
    n = medium.cfg.users
    rows = {name: info["rows"] for name, info in medium.manifest["tables"].items()}
    assert rows["users"] == n
    assert 10 * n <= rows["sessions"] <= 14 * n
    assert rows["attribution"] == rows["sessions"]
    assert 8.5 * n <= rows["friends"] <= 11.5 * n
    assert rows["pages"] == max(100, n // 100)
    assert 6.5 * n <= rows["page_likes"] <= 9.5 * n
    assert 0.15 * n <= rows["block_list"] <= 0.25 * n
    assert 0.65 * n <= rows["subscriptions"] <= 0.95 * n
    assert rows["salaries"] == min(max(n // 1000, 500), 100_000)
    assert rows["email_daily"] == 365 * 2
