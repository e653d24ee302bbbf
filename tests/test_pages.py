"""The dashboard under AppTest: every page opens, URLs and widgets agree, frames equal the library's.

Most tests point the app at a small Parquet table written from ``make_table`` (fast, and every
number is known); one test builds the real seed corpus.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, dashboard_app, make_table
from rhetoric_shift import query
from rhetoric_shift.build import read_table
from rhetoric_shift.ui.state import DEFAULT, Allowed, PAGE_FIELDS, PARAM_HELP, PARAM_OF, ViewState, parse_query, to_query

ENTRY = str(ROOT / "dashboard.py")
PAGES = ["overview", "timeline", "heatmaps", "compare", "topics", "statements", "method"]


def small_table() -> pd.DataFrame:
    """Three periods, the four primary targets and Afghanistan (2016 only), two live blogs with printed times, two topics."""
    rows = []
    plan = [
        (2014, ["Ukraine"], "MFA of Russia", None, None, "Kiev must implement the Minsk agreements, sanctions aside."),
        (2014, ["Ukraine"], "MFA of Russia", None, None, "The humanitarian convoy reached Lugansk."),
        (2014, ["US"], "MFA of Russia", None, None, "Washington sanctions are counterproductive."),
        (2016, ["Syria"], "TASS", "2017-01-17", None, "The Astana process on Syria is moving."),
        (2016, ["US"], "TASS", "2017-01-17", None, "We hope the new US administration will be pragmatic."),
        (2016, ["Afghanistan"], "TASS", "2017-01-17", None, "Terrorism in Afghanistan was the key threat last year."),
        (2017, ["Ukraine"], "RT", "2018-01-15", "07:20", "Ukraine has subscribed to the Minsk accords."),
        (2017, ["Ukraine"], "Sputnik", "2018-01-15", "07:22", "Ukraine subscribed to the Minsk accords."),
        (2017, ["DPRK", "US"], "Sputnik", "2018-01-15", "07:31", "Washington provokes Pyongyang with sanctions."),
        (2017, ["Syria"], "RT", "2018-01-15", "08:05", "Syria needs an inclusive dialogue."),
        (2017, ["US"], "RT", "2018-01-15", "08:40", "The US missile defence worries us."),
    ]
    for i, (period, targets, source, date, time, text) in enumerate(plan):
        rows.append({
            "text": text, "period": period, "targets": targets, "source": source, "date": date, "time": time,
            "doc_id": f"{source[:3].lower()}{period}", "tone": (-1) ** i * 0.1 * (i % 5), "stance": 0.2 - 0.05 * i,
            "topic": i % 2, "topic_label": "minsk · ukraine" if i % 2 == 0 else "sanctions · us",
            "map_x": i / 10, "map_y": -i / 10, "dup_group": "g-minsk" if i in (6, 7) else "",
        })
    return make_table(rows)


@pytest.fixture
def table_file(tmp_path: Path) -> Path:
    path = tmp_path / "small.parquet"
    small_table().to_parquet(path)
    return path


@pytest.fixture(params=["pandas", "duckdb"])
def app(table_file: Path, monkeypatch: pytest.MonkeyPatch, request):
    """A fresh AppTest on the small table, with Streamlit's caches cleared (they outlive instances).

    Every page test runs twice: the table in memory, and left on disk with DuckDB answering.
    """
    return dashboard_app(table_file, monkeypatch, backend=request.param)


def open_page(at: AppTest, page: str) -> AppTest:
    """Open ``page`` as a visitor following a link: the first run of the session is that page."""
    if page != "overview":
        at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def charts_of(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    """The first dataframe on the page that has ``column`` (frames are not widgets: no keys to find them by)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def click_cell(at: AppTest, key: str, **point: str) -> AppTest:
    """Select one point of the chart ``key`` as a click in the browser would, and rerun."""
    at.session_state[key] = {"selection": {"points": [point], "point_indices": [0], "box": [], "lasso": []}}
    return at.run()


def notices(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption)


# --- pure URL state ----------------------------------------------------------------------------

ALLOWED = Allowed(periods=(2014, 2016, 2017), targets=("Syria", "Ukraine", "US", "DPRK"), speakers=("Sergey Lavrov",),
                  sources=("RT", "Sputnik"), topics=(-1, 0, 1))


def test_query_round_trip() -> None:
    state = ViewState(periods=(2014, 2017), kinds=("direct",), sources=("RT", "Sputnik"), target="Ukraine", q="minsk", topic=0,
                      measure="tone", by="remark")
    params = to_query(state, tuple(PARAM_OF))
    assert params["periods"] == "2014,2017" and params["source"] == "RT,Sputnik" and params["topic"] == "0"
    assert parse_query(params, ALLOWED).state == state
    assert to_query(DEFAULT, tuple(PARAM_OF)) == {}


@pytest.mark.parametrize(
    ("params", "field", "expected", "notice"),
    [
        ({"periods": "2014,abc,1999"}, "periods", (2014,), "Ignored periods=abc, 1999"),
        ({"target": "Mars"}, "target", None, "Ignored target=Mars"),
        ({"target": "../../etc/passwd"}, "target", None, "Ignored target"),
        ({"kind": "direct,shouting"}, "kinds", ("direct",), "Ignored kind=shouting"),
        ({"by": "everything"}, "by", "remark", "Ignored by=everything"),
        ({"who": "pundits"}, "who", "officials", "Ignored who=pundits"),
        ({"measure": "mood"}, "measure", "salience", "Ignored measure=mood"),
        ({"topic": "7"}, "topic", None, "Ignored topic=7"),
        ({"topic": "1.5"}, "topic", None, "Ignored topic=1.5"),
        ({"q": "x" * 500}, "q", "x" * 200, "cut to 200"),
    ],
)
def test_bad_values_are_ignored_with_a_notice(params: dict, field: str, expected: object, notice: str) -> None:
    parsed = parse_query(params, ALLOWED)
    assert getattr(parsed.state, field) == expected
    assert any(notice in line for line in parsed.notices), parsed.notices


def test_unknown_parameters_are_ignored_quietly() -> None:
    assert parse_query({"utm_source": "mail", "embed": "true"}, ALLOWED) == parse_query({}, ALLOWED)


def test_every_url_parameter_is_documented() -> None:
    assert set(PARAM_HELP) == set(PARAM_OF.values())
    docs = (ROOT / "docs" / "dashboard.md").read_text(encoding="utf-8")
    assert all(f"`{param}`" in docs for param in PARAM_OF.values())
    assert set(PAGE_FIELDS) == {"", *PAGES[1:]}


# --- every page --------------------------------------------------------------------------------

EVERY_PAGE = sorted(p.stem for p in (ROOT / "pages").glob("*.py"))


def test_the_menu_lists_every_page_file() -> None:
    source = (ROOT / "dashboard.py").read_text(encoding="utf-8")
    listed = {name for name in EVERY_PAGE if f'"{name}"' in source}
    assert listed == set(EVERY_PAGE), "a file in pages/ that the menu does not list"


@pytest.mark.parametrize("page", EVERY_PAGE)
def test_every_page_file_opens_without_an_exception(app, page: str) -> None:
    """The smoke test a new page gets on the day it is added (the list comes from pages/)."""
    at = open_page(app(), page)
    assert not at.error

EXPECTED = {  # page: (plotly charts at least, dataframes at least)
    "overview": (1, 2),
    "timeline": (4, 2),
    "heatmaps": (3, 0),
    "compare": (0, 2),  # no terms chart: no period of the small table has 3 remarks about a target
    "topics": (2, 2),
    "statements": (0, 1),
    "method": (0, 1),
}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_opens_with_its_charts_and_tables(app, page: str) -> None:
    at = open_page(app(), page)
    n_charts, n_frames = EXPECTED[page]
    assert len(at.get("plotly_chart")) >= n_charts
    assert len(at.dataframe) >= n_frames
    assert not at.error
    assert any("Copy link" in e.label for e in at.expander)
    for spec in charts_of(at):
        assert spec["layout"]["font"]["size"] >= 14


@pytest.mark.parametrize("page", PAGES)
def test_every_page_survives_filters_that_match_nothing(app, page: str, table_file: Path) -> None:
    params = {"periods": "2014,2017", "source": "TASS", "kind": "direct", "by": "remark"}  # TASS printed only 2016
    table = read_table(table_file)
    assert query.filter_table(table, periods=[2014, 2017], sources=["TASS"], kinds=["direct"]).empty
    at = open_page(app(**params), page)
    assert not at.exception and not at.error
    if page not in ("method", "statements"):  # Method describes the whole table; Statements lists none
        assert at.info, "a page with nothing to show says so"


@pytest.mark.parametrize(("params", "empty"), [({"source": "RT"}, "2014 or 2016"), ({"source": "TASS", "periods": "2014,2016"}, "2014")])
def test_compare_names_the_periods_the_filters_empty(app, params: dict, empty: str) -> None:
    at = open_page(app(target="Ukraine", **params), "compare")
    assert not at.exception and not at.error
    (info,) = at.info
    assert f"No statements of {empty} match the filters" in info.value
    assert not at.get("plotly_chart")


def test_heatmaps_notice_for_a_target_the_filters_removed(app) -> None:
    at = open_page(app(target="Afghanistan", source="RT"), "heatmaps")  # Afghanistan is named by TASS only
    assert not at.exception and not at.error
    assert at.selectbox(key="w_target").value == "Afghanistan"
    assert any("No statement about Afghanistan matches the filters" in i.value for i in at.info)
    assert len(at.get("plotly_chart")) == 2  # target × period and topic × period still drawn
    at = open_page(app(target="Afghanistan"), "heatmaps")
    assert not at.info and len(at.get("plotly_chart")) == 4  # and similarity, actor × period


def test_compare_notice_for_a_target_the_filters_removed(app) -> None:
    at = open_page(app(target="Afghanistan", source="RT,MFA of Russia", periods="2017,2014"), "compare")
    assert not at.exception and not at.error
    assert any("No statement about Afghanistan matches the filters" in i.value for i in at.info)


# --- Compare: URL <-> widgets ------------------------------------------------------------------


def test_compare_url_sets_the_widgets_and_the_cards(app) -> None:
    at = open_page(app(target="Ukraine", periods="2014,2017"), "compare")
    assert at.selectbox(key="w_target").label == "Target" and at.selectbox(key="w_target").value == "Ukraine"
    assert at.multiselect(key="w_periods").label == "Periods" and at.multiselect(key="w_periods").value == [2014, 2017]
    assert [h.value for h in at.subheader][:2] == ["2014", "2017"]
    text = " ".join(m.value for m in at.markdown)
    # counted once per remark: the RT/Sputnik Minsk pair of 2017 is one of its 4 remarks
    assert "2 of 3 statements name Ukraine" in text and "1 of 4 statements name Ukraine" in text
    assert at.query_params["target"] == "Ukraine" and at.query_params["periods"] == "2014,2017"


def test_compare_widgets_write_the_url(app) -> None:
    at = open_page(app(), "compare")
    at.selectbox(key="w_target").select("US").run()
    at.multiselect(key="w_periods").select(2016).select(2017).run()
    assert not at.exception
    assert at.query_params["target"] == "US" and at.query_params["periods"] == "2016,2017"
    assert "target=US" in at.code[0].value and "periods=2016,2017" in at.code[0].value


def test_compare_asks_for_two_or_three_periods(app) -> None:
    at = open_page(app(periods="2017"), "compare")
    assert any("two or three periods" in i.value for i in at.info)


def test_malformed_url_is_ignored_with_a_quiet_notice(app) -> None:
    at = open_page(app(target="Mars", periods="abc,1999", kind="direct,shouting", by="x", topic="nine"), "compare")
    assert not at.error
    said = notices(at)
    for part in ("Ignored target=Mars", "Ignored periods=abc, 1999", "Ignored kind=shouting", "Ignored by=x", "Ignored topic=nine"):
        assert part in said
    assert at.selectbox(key="w_target").value == "Syria"
    assert at.multiselect(key="w_kinds").value == ["direct"]
    assert "target" not in at.query_params and at.query_params["kind"] == "direct"


# --- Statements: search, URL, and the frame shown ----------------------------------------------


def test_statements_url_sets_search_and_shows_the_librarys_rows(app, table_file: Path) -> None:
    at = open_page(app(q="sanctions", source="MFA of Russia,Sputnik"), "statements")
    assert at.text_input(key="w_q").value == "sanctions"
    table = read_table(table_file)
    found = query.search(query.filter_table(table, sources=["MFA of Russia", "Sputnik"]), "sanctions")
    shown = frame_with(at, "char_start")
    expected = query.provenance_view(found)
    assert len(shown) == len(expected) == 3
    assert shown["statement_id"].tolist() == expected["statement_id"].tolist()
    assert shown[["doc_id", "char_start", "char_end", "source", "kind", "text"]].equals(
        expected[["doc_id", "char_start", "char_end", "source", "kind", "text"]]
    )
    kwic = frame_with(at, "match")
    assert kwic["match"].str.lower().eq("sanctions").all() and len(kwic) == 3


def test_statements_search_box_writes_the_url(app) -> None:
    at = open_page(app(), "statements")
    at.text_input(key="w_q").input("  Minsk   accords ").run()
    assert at.query_params["q"] == "Minsk accords"
    assert len(frame_with(at, "char_start")) == 2


def test_targets_filter_narrows_the_statements_list(app) -> None:
    at = open_page(app(targets="DPRK"), "statements")
    assert frame_with(at, "char_start")["targets"].tolist() == ["DPRK, US"]


# --- shared filters across pages, drill-down, links --------------------------------------------


def test_sidebar_filters_persist_across_page_switches(app) -> None:
    at = open_page(app(), "overview")
    at.multiselect(key="w_sources").select("RT").run()
    assert at.query_params["source"] == "RT"
    at.switch_page("pages/statements.py").run()
    assert at.query_params["source"] == "RT"
    assert set(frame_with(at, "char_start")["source"]) == {"RT"}
    assert at.multiselect(key="w_sources").value == ["RT"]


def test_count_by_unique_remark_counts_a_twice_reported_remark_once(app) -> None:
    at = open_page(app(by="remark"), "overview")
    kinds = frame_with(at, "total").set_index("kind")
    assert kinds.loc["direct", "2017"] == 4  # five reports, one remark reported twice
    assert at.radio(key="w_by").value == "remark"


def test_selecting_a_heatmap_cell_lists_the_statements_behind_it(app) -> None:
    at = open_page(app(), "overview")
    click_cell(at, "overview_grid", x="2017", y="Ukraine", customdata="Ukraine")
    rows = frame_with(at, "char_start")
    # two reports of one remark: counted once by default
    assert len(rows) == 1 and rows["targets"].str.contains("Ukraine").all() and set(rows["period"]) == {2017}


def test_a_tone_cell_lists_its_statements_with_the_tone_they_average(app) -> None:
    at = open_page(app(measure="tone"), "heatmaps")
    grid = charts_of(at)[0]["data"][-1]
    labels = dict(zip(zip(grid["x"], grid["y"]), grid["text"]))  # "+0.00<br>n=1 no CI": the mean and its n
    click_cell(at, "heat_tone", x="2017", y="Ukraine", customdata="Ukraine")
    rows = frame_with(at, "char_start")
    assert {"tone", "stance", "stance terms"} <= set(rows.columns)
    mean, n = labels[("2017", "Ukraine")].removesuffix(" no CI").split("<br>n=")
    assert f"{rows['tone'].mean():+.2f}" == mean and len(rows) == int(n) == 1
    assert any("target Ukraine · period 2017" in m.value for m in at.markdown)


def test_a_topic_cell_is_read_back_by_its_id_not_its_label(app) -> None:
    at = open_page(app(), "topics")
    click_cell(at, "topic_grid", x="2017", y="1: sanctions · us", customdata="1")
    rows = frame_with(at, "char_start")
    # topic 1 is every odd row of small_table; of 2017 (rows 6-10), rows 7 and 9; row 7 is Sputnik's report
    # of RT's row 6 (topic 0), and the remark counted once is RT's (the smaller statement id)
    assert rows["text"].tolist() == ["Syria needs an inclusive dialogue."]


def test_overview_sentences_and_links_carry_the_target(app) -> None:
    at = open_page(app(kind="direct"), "overview")
    links = [p.proto for p in at.get("page_link")]
    compare_links = {link.label: link.query_string for link in links if "Compare" in link.label}
    assert "target=Ukraine" in compare_links["Compare Ukraine across periods"]
    assert "kind=direct" in compare_links["Compare Ukraine across periods"]
    text = " ".join(m.value for m in at.markdown)
    from rhetoric_shift.ui.render import escape_markdown

    assert escape_markdown("Salience 2014 → 2016: 67% (n=3 statements)") in text  # Ukraine: 2 of 3 direct


def test_heatmaps_measure_and_target_are_in_the_url(app) -> None:
    at = open_page(app(measure="tone", target="US"), "heatmaps")
    assert at.radio(key="w_measure").value == "tone" and at.selectbox(key="w_target").value == "US"
    grid = charts_of(at)[0]
    assert "tone" in json.dumps(grid["data"][-1]["marker"]["colorbar"])


def test_topics_page_lists_the_chosen_topic(app) -> None:
    at = open_page(app(topic="1"), "topics")
    assert at.selectbox(key="w_topic").value == 1
    assert len(frame_with(at, "char_start")) == 4  # the odd rows, Sputnik's report of RT's row 6 counted once


# --- loading -----------------------------------------------------------------------------------


def test_missing_table_is_one_line_of_error(app, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RHETORIC_SHIFT_TABLE", str(tmp_path / "nowhere.parquet"))
    at = AppTest.from_file(ENTRY, default_timeout=60).run()
    assert not at.exception
    assert len(at.error) == 1 and "Cannot load the statement table" in at.error[0].value and "nowhere.parquet" in at.error[0].value


def test_broken_table_is_one_line_of_error(app, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    broken = tmp_path / "broken.parquet"
    broken.write_text("not parquet")
    monkeypatch.setenv("RHETORIC_SHIFT_TABLE", str(broken))
    at = AppTest.from_file(ENTRY, default_timeout=60).run()
    assert not at.exception and len(at.error) == 1 and "broken.parquet" in at.error[0].value


def test_the_real_seed_corpus_builds_and_compares(monkeypatch: pytest.MonkeyPatch) -> None:
    import streamlit as st

    st.cache_data.clear()
    monkeypatch.delenv("RHETORIC_SHIFT_TABLE", raising=False)
    at = AppTest.from_file(ENTRY, default_timeout=120)
    at.query_params.update(target="Ukraine", periods="2014,2017")
    at.run()
    assert not at.exception and not at.error
    assert {m.label: m.value for m in at.metric}["documents"] == "4"  # the 2016 document is filtered out
    assert "seeds/ (built on start)" in notices(at)
    at.switch_page("pages/compare.py").run()
    assert not at.exception
    assert at.selectbox(key="w_target").value == "Ukraine"
    assert [h.value for h in at.subheader][:2] == ["2014", "2017"]


def test_statement_text_cannot_smuggle_markdown() -> None:
    from rhetoric_shift.ui.render import escape_markdown

    nasty = "See [this](https://evil.example) ![x](https://evil.example/p.png) $x^2$ :red[alert] **bold** <b>tag</b>"
    escaped = escape_markdown(nasty)
    unescaped = re.findall(r"(?<!\\)[\[\]()!$:*<>]", escaped)
    assert unescaped == []  # every character Markdown, LaTeX or a directive would act on is escaped
    assert escaped.replace("\\", "") == nasty  # nothing lost: only backslashes added


def test_table_source_precedence(tmp_path: Path) -> None:
    from rhetoric_shift.ui.data import TABLE_ENV, table_source

    seeds = tmp_path / "seeds"
    assert table_source([], {}, seeds).path == seeds and not table_source([], {}, seeds).prebuilt
    assert table_source([], {TABLE_ENV: "env.parquet"}, seeds).path == Path("env.parquet")
    chosen = table_source(["tests/x.py", "-k", "table", "--table", "arg.parquet"], {TABLE_ENV: "env.parquet"}, seeds)
    assert chosen.path == Path("arg.parquet") and chosen.prebuilt


# --- quotes, actors ----------------------------------------------------------------------------

PARAPHRASES = [
    "Lavrov says Russia is ready to help Syria settle the conflict.",
    "Lavrov notes that Crimea chose to reunite with Russia, Ukraine must accept it.",
    "Lavrov believes the US should talk to Pyongyang about the DPRK missiles.",
]


def quotes_table() -> pd.DataFrame:
    """Russia's officials paraphrased by RT (reported) and quoted (direct), and the US's Kerry quoted, in two periods."""
    rows = []
    for period in (2014, 2017):
        for i, text in enumerate(PARAPHRASES):
            targets = [t for t in ("Syria", "Ukraine", "US", "DPRK") if t in text or (t == "Ukraine" and "Crimea" in text)
                       or (t == "DPRK" and "Pyongyang" in text)]
            rows.append({"text": text.replace("Lavrov", f"Lavrov ({period})"), "period": period, "targets": targets,
                         "kind": "reported", "source": "RT", "doc_id": f"rt{period}", "date": f"{period}-03-0{i + 1}"})
        rows.append({"text": f"We will keep talking to Syria, {period}.", "period": period, "targets": ["Syria"],
                     "source": "State Department", "doc_id": f"sd{period}", "actor": "USA", "speaker": "John Kerry",
                     "date": f"{period}-04-01"})
    return make_table(rows)


def page_text(at: AppTest) -> str:
    """Everything written on a page (Markdown with its escapes removed) and every chart's JSON."""
    parts = [e.value for kind in ("title", "subheader", "markdown", "caption", "text", "info", "warning", "success")
             for e in getattr(at, kind)]
    def strings(node: object) -> list[str]:
        if isinstance(node, str):
            return [node]
        items = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
        return [text for item in items for text in strings(item)]

    labels = [text for spec in charts_of(at) for text in strings(spec["data"])]  # hover labels and cell texts
    return "\n".join([p.replace("\\", "") for p in parts] + labels)


@pytest.fixture
def quotes_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "quotes.parquet"
    quotes_table().to_parquet(path)
    return dashboard_app(path, monkeypatch)


@pytest.mark.parametrize("page", PAGES)
def test_no_page_puts_a_paraphrase_in_quotation_marks(quotes_app, page: str) -> None:
    at = open_page(quotes_app(target="Syria", periods="2014,2017"), page)
    text = page_text(at)
    for period in (2014, 2017):
        for paraphrase in PARAPHRASES:
            words = paraphrase.replace("Lavrov", f"Lavrov ({period})")[:40]
            assert f"“{words}" not in text and f'"{words}' not in text and f"«{words}" not in text, page
    if page == "compare":  # the paraphrase is shown, as one
        assert "RT, paraphrasing Sergey Lavrov: Lavrov (2017) says Russia is ready" in text
        assert "“We will keep talking to Syria, 2017.”" in text  # direct speech is quoted


def test_actor_filter_compares_one_state_at_a_time(quotes_app) -> None:
    at = open_page(quotes_app(target="Syria", periods="2014,2017", actor="USA"), "compare")
    assert at.multiselect(key="w_actors").value == ["USA"]
    text = page_text(at)
    assert "John Kerry" in text and "paraphrasing Sergey Lavrov" not in text
    at = open_page(quotes_app(target="Syria", periods="2014,2017", actor="RUS"), "compare")
    text = page_text(at)
    assert "paraphrasing Sergey Lavrov" in text and "John Kerry" not in text
    at = open_page(quotes_app(actor="XYZ"), "overview")
    assert "Ignored actor=XYZ" in notices(at)


def test_headlines_and_questions_are_their_own_rows_and_can_be_switched_in(app) -> None:
    table = small_table()
    at = open_page(app(), "overview")
    assert at.radio(key="w_who").value == "officials"
    assert "Not counted: headlines, narration and questions naming a target" in [s.value for s in at.subheader]
    at = open_page(app(who="all"), "overview")
    assert at.radio(key="w_who").value == "all" and at.query_params["who"] == "all"
    assert len(table)  # every statement of small_table is direct: counts agree either way


def test_a_large_table_is_queried_on_disk_and_never_read_whole(table_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On the DuckDB backend the pages never read the table into memory; the sidebar says where it is queried."""
    from rhetoric_shift import build

    def refuse(path):
        raise AssertionError("the whole table was read into memory")

    monkeypatch.setattr(build, "read_table", refuse)
    make = dashboard_app(table_file, monkeypatch, backend="duckdb")
    for page in PAGES:
        at = open_page(make(), page)
        assert not at.error
        assert any("queried on disk with DuckDB" in c.value for c in at.sidebar.caption)


@pytest.mark.parametrize("backend", ["pandas", "duckdb"])
def test_compare_puts_two_actors_side_by_side_in_one_period(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str) -> None:
    path = tmp_path / "quotes.parquet"
    quotes_table().to_parquet(path)
    make = dashboard_app(path, monkeypatch, backend=backend)
    at = open_page(make(target="Syria", periods="2017", actor="RUS,USA"), "compare")
    assert not at.error and not at.info
    assert [s.value for s in at.subheader][:2] == ["RUS", "USA"]
    view = frame_with(at, "verdict")
    assert set(view["periods"]) == {"RUS → USA"}
    text = page_text(at)
    assert "“We will keep talking to Syria, 2017.”" in text and "paraphrasing Sergey Lavrov" in text
    at = open_page(make(target="Syria", periods="2017", actor="USA"), "compare")  # one actor, one period: nothing to compare
    assert "Choose two or three periods" in at.info[0].value
