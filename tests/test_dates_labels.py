"""Users' own tables: day/month dates are read as written (one order per column), a time split
counts the rows it leaves out, and a true/false label column is never silently given a meaning."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from newscred.cli import main
from newscred.cli.train import make_spec
from newscred.datasets import ColumnMapping, iter_rows, read_table
from newscred.datasets import tabular as tabular_module
from newscred.datasets.readers import iso_date, slash_date_order
from newscred.datasets.tabular import DEFAULT_LABEL_MAP, mapped_rows
from newscred.errors import ConfigError, DataError, UnknownLabelError
from newscred.evaluation.splits import cross_dataset_folds, group_folds, random_folds, time_split
from newscred.training.custom import read_records
from newscred.training.prepare import Doc


def _write_csv(path: Path, rows: list[dict[str, object]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def _write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


# ----------------------------------------------------------------------------------- iso_date


def test_unambiguous_day_first_and_dotted_dates_are_read() -> None:
    assert iso_date("22/05/2020") == "2020-05-22"  # the day is over 12: day/month, whatever the default
    assert iso_date("31/12/19") == "2019-12-31"
    assert iso_date("22.05.2020") == "2020-05-22"  # dotted: always day.month.year
    assert iso_date("5.4.2020") == "2020-04-05"
    assert iso_date("1.2.20") == "2020-02-01"
    assert iso_date("31.02.2020") is None and iso_date("13.13.2020") is None and iso_date("13/13/2020") is None


def test_ambiguous_slash_dates_stay_month_first_unless_the_column_says_otherwise() -> None:
    assert iso_date("05/04/2020") == "2020-05-04"  # the shared corpora's US convention
    assert iso_date("1/13/12") == "2012-01-13"
    assert iso_date("05/04/2020", order="dmy") == "2020-04-05"
    assert iso_date("05/04/2020", order="mdy") == "2020-05-04"
    # a given order is obeyed: 22/05/2020 is not a date in a month/day column, 5/22 not in a day/month one
    assert iso_date("22/05/2020", order="mdy") is None
    assert iso_date("5/22/2020", order="dmy") is None
    # the order concerns slashed dates only
    assert iso_date("2020-05-04", order="dmy") == "2020-05-04" and iso_date("22.05.2020", order="mdy") == "2020-05-22"
    with pytest.raises(ValueError, match="order"):
        iso_date("05/04/2020", order="ymd")


def test_slash_date_order_decides_for_a_whole_column() -> None:
    assert slash_date_order(["05/04/2020", "01/02/2020", "22/05/2020"]) == "dmy"
    assert slash_date_order(["05/04/2020", "5/22/2020", None, "2020-01-01"]) == "mdy"
    assert slash_date_order(["05/04/2020", "01/02/2020"]) is None  # nothing settles it
    assert slash_date_order(["22/05/2020", "05/22/2020"]) is None  # contradicting: no single order is right
    assert slash_date_order(["2020-05-22", "", 1589328000, "22.05.2020"]) is None  # no slashed dates at all


# ------------------------------------------------------------------------ date columns in tables


def test_a_european_csv_is_read_day_first_throughout(tmp_path: Path) -> None:
    # the first rows are ambiguous; row 4 shows the column is day/month, and rows 1-3 follow it
    dates = ["05/04/2020", "01/02/2020", "12/11/2020", "22/05/2020", "03/06/2020", "31/12/2020"]
    path = _write_csv(tmp_path / "eu.csv", [{"text": f"t{i}", "date": d} for i, d in enumerate(dates)])
    recs = list(read_table(path, date_col="date"))
    assert [r.date for r in recs] == ["2020-04-05", "2020-02-01", "2020-11-12", "2020-05-22", "2020-06-03", "2020-12-31"]
    assert all("date_raw" not in r.extra for r in recs)


def test_a_us_csv_is_read_month_first_throughout(tmp_path: Path) -> None:
    dates = ["05/04/2020", "01/02/2020", "5/22/2020", "12/31/2020"]
    path = _write_jsonl(tmp_path / "us.jsonl", [{"text": f"t{i}", "published": d} for i, d in enumerate(dates)])
    assert [r.date for r in read_table(path, date_col="published")] == ["2020-05-04", "2020-01-02", "2020-05-22", "2020-12-31"]


def test_dotted_dates_in_a_table(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "de.csv", [{"text": "a", "datum": "05.04.2020"}, {"text": "b", "datum": "22.5.20"}])
    assert [r.date for r in read_table(path, date_col="datum")] == ["2020-04-05", "2020-05-22"]


def test_the_mapping_counts_unreadable_and_ambiguous_dates(tmp_path: Path) -> None:
    rows = [{"text": "a", "date": "05/04/2020"}, {"text": "b", "date": "soon"}, {"text": "c", "date": ""},
            {"text": "d", "date": "07/08/2020"}, {"text": "e", "date": "2020-01-01"}, {"text": "f", "date": "Q3 2020"},
            {"text": "g", "date": "06/06/2020"}]
    path = _write_csv(tmp_path / "mixed.csv", rows)
    mapping = ColumnMapping(date_col="date")
    recs = [rec for _row, rec in mapped_rows(path, mapping)]
    assert [r.date for r in recs] == ["2020-05-04", None, None, "2020-07-08", "2020-01-01", None,
                                      "2020-06-06"]
    assert (mapping.dates.unparsed, mapping.dates.unparsed_example) == (2, "soon")  # the empty cell is just undated
    # 05/04 and 07/08 could be either (06/06 reads the same both ways): read month first, and counted
    assert mapping.dates.ambiguous == 2 and mapping.dates.ambiguous_example == "05/04/2020"
    assert mapping.dates.cells == 6 and not mapping.dates.settled
    summary = mapping.dates.summary()
    assert "2 of 6 dates are not readable (first: 'soon')" in summary and "D.M.YYYY" in summary
    assert "2 slashed dates such as '05/04/2020'" in summary and "date_order='dmy'" in summary
    assert recs[1].extra == {"date_raw": "soon"}


def test_a_forced_order_is_used_and_contradictions_are_counted(tmp_path: Path) -> None:
    rows = [{"text": "a", "date": "05/04/2020"}, {"text": "b", "date": "05/22/2020"}]
    path = _write_csv(tmp_path / "eu.csv", rows)
    assert [r.date for r in read_table(path, date_col="date", date_order="dmy")] == ["2020-04-05", None]
    mapping = ColumnMapping(date_col="date", date_order="dmy")
    list(mapped_rows(path, mapping))
    assert (mapping.dates.unparsed, mapping.dates.unparsed_example, mapping.dates.ambiguous) == (1, "05/22/2020", 0)
    with pytest.raises(ConfigError, match="date_order"):
        ColumnMapping(date_order="day-first")


def test_a_column_mixing_both_orders_is_flagged(tmp_path: Path) -> None:
    rows = [{"text": "a", "date": "22/05/2020"}, {"text": "b", "date": "05/22/2020"}, {"text": "c", "date": "05/04/2020"}]
    mapping = ColumnMapping(date_col="date")
    recs = [rec for _row, rec in mapped_rows(_write_csv(tmp_path / "mix.csv", rows), mapping)]
    assert [r.date for r in recs] == ["2020-05-22", "2020-05-22", "2020-05-04"]
    assert mapping.dates.mixed and mapping.dates.order is None and mapping.dates.ambiguous == 1
    assert "mixes month/day and day/month" in mapping.dates.summary()


def test_past_the_lookahead_the_first_telling_date_settles_the_column(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tabular_module, "DATE_LOOKAHEAD", 2)
    dates = ["05/04/2020", "01/02/2020", "03/04/2020", "22/05/2020", "07/08/2020", "05/22/2020"]
    mapping = ColumnMapping(date_col="date")
    path = _write_csv(tmp_path / "late.csv", [{"text": "x", "date": d} for d in dates])
    recs = [rec for _row, rec in mapped_rows(path, mapping)]
    # rows before the telling one were read month first and are counted as such; after it, day first
    assert [r.date for r in recs] == ["2020-05-04", "2020-01-02", "2020-03-04", "2020-05-22", "2020-08-07", None]
    assert (mapping.dates.order, mapping.dates.ambiguous, mapping.dates.unparsed) == ("dmy", 3, 1)


def test_row_by_row_reading_settles_the_order_at_the_first_telling_date() -> None:
    mapping = ColumnMapping(date_col="d")
    dates = [mapping.to_record({"text": "x", "d": d}, i).date for i, d in enumerate(["22/05/2020", "05/04/2020"])]
    assert dates == ["2020-05-22", "2020-04-05"] and mapping.dates.order == "dmy" and mapping.dates.ambiguous == 0


def test_the_lookahead_keeps_every_row_and_its_errors_in_order(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text('text,date\na,05/04/2020\nb,"never closed\nc,22/05/2020\n', encoding="utf-8")
    seen = []
    with pytest.raises(Exception, match="line 3"):
        for row, rec in mapped_rows(path, ColumnMapping(date_col="date")):
            seen.append((row.line, rec.date))
    assert seen == [(2, "2020-05-04")]  # the error stops reading before the telling date is seen
    assert [r.ok for r in iter_rows(path)] == [True, False, True]


# ------------------------------------------------------------------------------ time split


def _docs(dates: list[str | None]) -> list[Doc]:
    return [Doc(str(i), f"ds{i % 2}", f"ds{i % 2}", f"g{i % 7}", i % 2, ["w"] * 60, date=d) for i, d in enumerate(dates)]


def test_time_split_counts_the_undated_rows_it_leaves_out() -> None:
    dates = [f"2020-{1 + i % 12:02d}-10" if i % 4 else None for i in range(80)]
    docs = _docs(dates)
    (fold,) = time_split(docs, list(range(80)), cutoff="2020-09-01")
    assert fold.left_out == 20 == sum(d is None for d in dates)
    assert len(fold.train) + len(fold.test) + fold.left_out == 80
    # every other split places every document
    for folds in (random_folds(docs, list(range(80)), 3), group_folds(docs, list(range(80)), 3),
                  cross_dataset_folds(docs, list(range(80)))):
        assert all(f.left_out == 0 for f in folds)


def test_time_split_says_how_many_rows_have_no_readable_date() -> None:
    docs = _docs(["2020-01-05"] * 5 + [None] * 95)
    with pytest.raises(DataError) as info:
        time_split(docs, list(range(100)))
    msg = str(info.value)
    assert "95 of 100 rows have no readable date" in msg
    for fmt in ("YYYY-MM-DD", "M/D/YYYY", "D.M.YYYY", '"May 5, 2020"', "epoch seconds", "--date-col"):
        assert fmt in msg


def test_a_time_split_cutoff_may_be_written_day_first() -> None:
    docs = _docs([f"2020-05-{1 + i % 28:02d}" for i in range(40)])
    (fold,) = time_split(docs, list(range(40)), cutoff="22/05/2020")
    assert fold.name == "on or after 2020-05-22"


_WORDS = {
    0: "the minister said on tuesday that the budget would rise by three percent according to officials".split(),
    1: "you won t believe this shocking secret the elites are hiding share this now before they delete it".split(),
}


def _labelled_rows(n: int, seed: int = 3) -> list[dict[str, object]]:
    rng = random.Random(seed)
    return [{"doc": f"d{i}", "body": " ".join(rng.choice(_WORDS[i % 2]) for _ in range(70)), "is_fake": i % 2 == 1}
            for i in range(n)]


def test_train_time_split_on_day_first_dates(tmp_path: Path) -> None:
    rows = _labelled_rows(60)
    for i, r in enumerate(rows):  # 15/01/2020 ... 28/12/2020: most days over 12
        r["date"] = f"{1 + (i * 7) % 28:02d}/{1 + i * 12 // 60:02d}/2020"
        r["verdict"] = "FAKE" if r.pop("is_fake") else "Legit"
    data = _write_csv(tmp_path / "eu.csv", rows)
    out = tmp_path / "m"
    result = CliRunner().invoke(main, ["train", str(data), "--text-col", "body", "--label-col", "verdict", "--date-col",
                                       "date", "--split", "time", "--cutoff", "2020-09-01", "-o", str(out)])
    assert result.exit_code == 0, result.output
    fold = json.loads((out / "metrics.json").read_text())["folds"][0]
    assert fold["fold"] == "on or after 2020-09-01"
    assert fold["test"] == sum(1 for r in rows if int(str(r["date"])[3:5]) >= 9) == 20


# ----------------------------------------------------------------------------- boolean labels


def test_a_boolean_label_needs_a_map_that_says_what_true_means(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "bools.jsonl", [{"text": "a", "is_fake": True}, {"text": "b", "is_fake": False}])
    with pytest.raises(UnknownLabelError) as info:
        list(read_table(path, label_col="is_fake"))
    msg = str(info.value)
    assert msg.startswith(f"{path}: line 1 (id '0'): the label is the boolean true")
    assert "is_fake or is_real" in msg
    assert "label_map={'true': 'unreliable', 'false': 'reliable'}" in msg
    assert "--label-map FILE" in msg and "true=unreliable and false=reliable" in msg
    fake = list(read_table(path, label_col="is_fake", label_map={"true": "unreliable", "false": "reliable"}))
    assert [(r.label, r.original_label) for r in fake] == [("unreliable", "true"), ("reliable", "false")]
    real = list(read_table(path, label_col="is_fake", label_map={True: "reliable", False: "unreliable"}))
    assert [r.label for r in real] == ["reliable", "unreliable"]


def test_true_and_false_words_keep_their_verdict_meaning() -> None:
    mapping = ColumnMapping(label_col="y")
    assert [mapping.label_of(v, "row")[0] for v in ("TRUE", "true", " False ", "false")] == [
        "reliable", "reliable", "unreliable", "unreliable"]
    assert mapping.label_of(1, "row")[0] == "unreliable" and mapping.label_of(0, "row")[0] == "reliable"
    for cell in (True, False, np.True_, np.False_):
        with pytest.raises(UnknownLabelError, match="is_fake or is_real"):
            mapping.label_of(cell, "row")


def test_a_parquet_bool_column_is_refused_then_mapped(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "b.parquet"
    pq.write_table(pa.table({"text": ["a", "b", "c"], "is_fake": [True, False, None]}), path)
    with pytest.raises(UnknownLabelError, match=r"row 1 \(id '0'\): the label is the boolean true"):
        list(read_table(path, label_col="is_fake"))
    recs = list(read_table(path, label_col="is_fake", label_map={"TRUE": "unreliable", "False": "reliable"}))
    assert [r.label for r in recs] == ["unreliable", "reliable", None]


def test_the_command_line_map_must_name_true_and_false_for_booleans(tmp_path: Path) -> None:
    data = _write_jsonl(tmp_path / "bools.jsonl", [{"text": "a", "is_fake": True}, {"text": "b", "is_fake": False},
                                                   {"text": "c", "is_fake": "TRUE"}])
    words = tmp_path / "words.txt"

    def labels() -> list[str | None]:
        spec = make_spec(str(words), text_col="text", label_col="is_fake")  # exactly as train/evaluate build it
        return [r.label for r in read_records(str(data), spec)]

    # a map file that extends the built-in words without naming true/false: booleans are still refused
    words.write_text("maybe=reliable\n")
    with pytest.raises(UnknownLabelError, match="is_fake or is_real"):
        labels()
    # the lines the message suggests; the word "TRUE" follows the map too
    words.write_text("true=unreliable\nfalse=reliable\n")
    assert labels() == ["unreliable", "reliable", "unreliable"]
    words.write_text(json.dumps({"true": "reliable", "false": "unreliable"}))
    assert labels() == ["reliable", "unreliable", "reliable"]
    # naming one of the two is not enough for the other
    words.write_text("true=unreliable\n")
    with pytest.raises(UnknownLabelError, match="the label is the boolean false"):
        labels()
    assert DEFAULT_LABEL_MAP["true"] == "reliable" and DEFAULT_LABEL_MAP["false"] == "unreliable"


def test_train_refuses_a_boolean_label_column_and_takes_the_suggested_map(tmp_path: Path) -> None:
    data = _write_jsonl(tmp_path / "mine.jsonl", _labelled_rows(40))
    argv = ["train", str(data), "--text-col", "body", "--label-col", "is_fake"]
    result = CliRunner().invoke(main, [*argv, "-o", str(tmp_path / "a")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "is_fake or is_real" in result.stderr and "--label-map FILE" in result.stderr
    assert not (tmp_path / "a").exists()
    words = tmp_path / "is_fake.txt"
    words.write_text("true=unreliable\nfalse=reliable\n")
    result = CliRunner().invoke(main, [*argv, "--label-map", str(words), "-o", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    # the shocking texts are the is_fake=true ones: the model must call them unreliable
    from newscred.model.artifact import load_artifact

    model = load_artifact(tmp_path / "b").model
    p = model.predict_proba_words([_WORDS[1] * 5, _WORDS[0] * 5])
    assert p[0] > 0.5 > p[1]


def test_train_says_which_dates_it_could_not_read_and_counts_the_undated_rows(tmp_path: Path) -> None:
    rows = _labelled_rows(60)
    for i, r in enumerate(rows):
        r["date"] = "last spring" if i % 10 == 0 else f"2020-{1 + i * 12 // 60:02d}-15"
        r["verdict"] = "FAKE" if r.pop("is_fake") else "Legit"
    data = _write_csv(tmp_path / "dated.csv", rows)
    result = CliRunner().invoke(main, ["train", str(data), "--text-col", "body", "--label-col", "verdict", "--date-col",
                                       "date", "--split", "time", "--cutoff", "2020-09-01", "-o", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    assert f"warning: dates: {data}: 6 of 60 dates are not readable (first: 'last spring')" in result.stderr
    assert "6 without a readable date (a time split cannot place them); 54 used" in result.stderr
    metrics = json.loads((tmp_path / "m" / "metrics.json").read_text())
    fold = metrics["folds"][0]
    assert fold["train"] + fold["test"] == 54 and metrics["data"]["undated"] == 6


def test_epoch_seconds_and_compact_dates_written_as_text() -> None:
    # a CSV cell is text: "1590105600" must read like the integer does in JSON
    assert iso_date("1590105600") == iso_date(1590105600) == "2020-05-22"
    assert iso_date("1590105600000") == "2020-05-22" and iso_date("20200522") == "2020-05-22"
    assert iso_date("2020") is None and iso_date("20201399") is None


def test_a_slashed_cutoff_is_read_in_the_date_column_s_order(tmp_path: Path) -> None:
    rows = _labelled_rows(60)
    for i, r in enumerate(rows):  # every date ambiguous: only --date-order says these are day first
        r["date"] = f"{1 + i % 12:02d}/{1 + (i * 7) % 12:02d}/2020"
        r["verdict"] = "FAKE" if r.pop("is_fake") else "Legit"
    data = _write_csv(tmp_path / "eu.csv", rows)
    argv = ["train", str(data), "--text-col", "body", "--label-col", "verdict", "--date-col", "date", "--split", "time",
            "--cutoff", "01/09/2020"]
    result = CliRunner().invoke(main, [*argv, "--date-order", "dmy", "-o", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "m" / "metrics.json").read_text())["folds"][0]["fold"] == "on or after 2020-09-01"


def test_a_time_split_whose_training_side_has_one_article_of_a_class_is_an_error(tmp_path: Path) -> None:
    rows = _labelled_rows(60)
    for i, r in enumerate(rows):
        fake = bool(r.pop("is_fake"))
        early = i < 30
        r["verdict"] = "FAKE" if (fake and (not early or i == 1)) else "Legit"  # one fake before the cutoff
        r["date"] = "2020-01-15" if early else "2020-06-15"
    data = _write_csv(tmp_path / "skew.csv", rows)
    result = CliRunner().invoke(main, ["train", str(data), "--text-col", "body", "--label-col", "verdict", "--date-col",
                                       "date", "--split", "time", "--cutoff", "2020-03-01", "-o", str(tmp_path / "m")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "Error [data]: the training side holds 1 article(s) of one class, too few to calibrate on" in result.stderr
    assert "UserWarning" not in result.stderr
