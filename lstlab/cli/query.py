"""``lstlab query RUN_DIR "SQL"``: a DuckDB query over a run's event records."""

from __future__ import annotations

import csv
import io
import json

import click

from lstlab.cli.app import main_group


def _text(value) -> object:
    """A cell for JSON/CSV: wei amounts (HUGEINT) stay exact ints, others as DuckDB gives them."""
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    return str(value)


@main_group.command()
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False))
@click.argument("sql", type=str)
@click.option("--json", "as_json", is_flag=True, help="Rows as a JSON list of objects.")
@click.option("--csv", "as_csv", is_flag=True, help="Rows as CSV with a header.")
def query(run_dir, sql, as_json, as_csv) -> None:
    """Run SQL over RUN_DIR's records (views: events, transfers, liquidations, swaps, reports)."""
    import duckdb

    from lstlab.errors import DataError
    from lstlab.records import open as open_records

    if as_json and as_csv:
        raise click.UsageError("give --json or --csv, not both")
    con = open_records(run_dir)
    try:
        result = con.execute(sql)
    except duckdb.Error as exc:
        raise DataError(f"the query failed: {exc}") from None
    names = [d[0] for d in result.description or ()]
    rows = [[_text(v) for v in row] for row in result.fetchall()]
    if as_json:
        click.echo(json.dumps([dict(zip(names, row)) for row in rows], indent=2))
    elif as_csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(rows)
        click.echo(buffer.getvalue(), nl=False)
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table()
        for name in names:
            table.add_column(name, overflow="fold")
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        Console().print(table)
