"""The CLI's pure helpers: the progress bar's text and the one-line renderings of resources."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from claude.cli.progress import bar_line, size_text
from claude.cli.render import batch_line, counts_of, file_line, model_line

_amounts = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)


@given(done=_amounts, total=st.floats(min_value=1e-6, max_value=1e12, allow_nan=False))
def test_the_bar_has_a_fixed_width_and_a_bounded_percentage(done: float, total: float) -> None:
    """Whatever the counts, the bar is 30 cells wide and its percentage within 0..100."""
    line = bar_line("job", done, total)
    cells = line[line.index("[") + 1 : line.index("]")]
    assert len(cells) == 30 and set(cells) <= {"#", "-"}
    percent = int(line.split("]")[1].strip().rstrip("%"))
    assert 0 <= percent <= 100
    assert cells.count("#") == round(min(1.0, max(0.0, done / total)) * 30)


@given(done=_amounts, total=st.sampled_from([None, 0, -5.0]))
def test_without_a_total_there_is_no_bar(done: float, total: float | None) -> None:
    """No total (or none worth dividing by) gives the label and the detail only."""
    assert bar_line("job", done, total, detail="3 B") == "job 3 B"


@given(st.integers(min_value=0, max_value=10**15))
def test_sizes_read_as_a_number_and_a_unit(size: int) -> None:
    """Every byte count prints as a number and one unit."""
    number, unit = size_text(size).split(" ")
    assert unit in {"B", "kB", "MB", "GB"}
    assert float(number) >= 0


def test_a_batch_line_shows_its_counts() -> None:
    """A batch prints its id, status and every request count, new count kinds included."""
    batch = {
        "id": "msgbatch_1",
        "processing_status": "in_progress",
        "request_counts": {"processing": 2, "succeeded": 1, "later_kind": 4},
    }
    assert batch_line(batch) == "msgbatch_1\tin_progress\tprocessing=2 succeeded=1 later_kind=4"
    assert counts_of(batch) == {"processing": 2, "succeeded": 1, "later_kind": 4}


_names = st.sampled_from(["id", "display_name", "created_at", "filename", "size_bytes", "x"])
_values = st.one_of(st.none(), st.integers(), st.text())


@given(st.dictionaries(_names, _values))
def test_renderings_are_one_row_with_fixed_columns(record: dict[str, object]) -> None:
    """Any JSON object renders to one row of its columns, whatever the values hold."""
    for render, columns in ((model_line, 3), (file_line, 5)):
        row = render(record)
        assert len(row.splitlines()) <= 1
        assert row.count("\t") == columns - 1
    assert set(counts_of(record)) <= set(record)
