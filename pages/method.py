"""Method: how every number is computed, what to be careful about, and a classroom walk-through."""

import streamlit as st

from rhetoric_shift import compare, query, sliced, stats, ui
from rhetoric_shift.duplicates import DuplicateFinder
from rhetoric_shift.tone import validation_figures
from rhetoric_shift.ui import data, session
from rhetoric_shift.ui.state import PARAM_HELP

ctx = ui.context()

st.title("Method")
# The library's default, which `rhetoric-shift build` uses (enrich calls DuplicateFinder()); a table
# built with another threshold would need it recorded with the table to be shown here.
threshold = DuplicateFinder().threshold
st.markdown("""
**One row is one statement**: a sentence or paragraph attributed to a speaker, with its outlet, date, the
file and character offsets it comes from, and its *kind*: `direct` (the speaker's own words), `reported`
(an outlet's paraphrase), `question` (a journalist's question) or `context` (headlines, narration).
The *period* is the year under analysis: a January press conference reviewing 2016 belongs to 2016.
""")

st.subheader("Who is counted")
st.markdown(f"""
By default every measure counts **{compare.WHO_LABELS["officials"]}**, and **{compare.BY_LABELS["remark"]}**:
reports of the same remark in different documents of a period (TF-IDF cosine ≥ {threshold}) form a duplicate
group that counts once and carries the union of its reports' targets. Headlines, narration and journalists'
questions are listed on their own (Overview) and can be switched in with *Who is counted* in the sidebar.
A statement is *about* a target when it names it or answers a heading or question that names it; a statement
that names another target still keeps its heading's primary target.
""")

st.subheader("What each measure is")
st.markdown("""
| measure | how it is computed |
|---|---|
| **salience** | counted statements of the period that name the target themselves ÷ counted statements of the period. A target is named through a lexicon of aliases ("Kiev", "Donbass" → Ukraine). |
| **tone** | VADER compound sentiment (−1…+1) of each statement, averaged over the counted statements about the target. |
| **stance** | (cooperation terms − confrontation terms) ÷ all such terms matched, from an editable lexicon; toward a target, only the sentences naming it count where the table records that (`target_stance`), else the whole statement. Averaged like tone; the statements behind a tone or stance cell are listed with the values averaged and the terms matched. |
| **new / dropped words** | words used at least twice in one period and never in the previous one, the target's own names left out. |
| **similarity** | cosine similarity of two periods' average TF-IDF vectors of the statements about the target (1 = same vocabulary). |
| **topics** | mini-batch k-means clusters of TF-IDF vectors of word stems reduced by SVD, fitted once on a seeded sample of the corpus and applied to every statement; k is chosen by how stable the clustering is across subsamples, and no topic may hold more than a fifth of the statements; the label is the cluster's most distinctive terms; statements with very few content words are topic −1. The map shows the first two SVD axes (no units). |
""")
st.markdown("**This table's models**")
st.text(query.models_description(ctx.table) or "Not recorded: the table was built without enrichment, or by an older version.")

st.subheader("Every number and its evidence")
st.table(query.method_table(ctx.state.by, ctx.state.who))
st.markdown(f"""
- **Words follow the evidence.** A change is called *rose* or *fell* only when its Benjamini-Hochberg adjusted
  p-value is below 0.05; otherwise the page says *no evidence of change*, and *too few statements to test* when
  a period has fewer than two remarks. The same function tests every change on Overview, Compare, Heatmaps,
  Timeline and in `rhetoric-shift compare`.
- **Intervals that keep their promise.** Below {compare.MIN_N_FOR_INTERVAL} remarks no interval is drawn: the
  point is hollow with its n beside it, since there the measured coverage (below) falls short of 95%.
- **Composition.** Every page says how many documents and outlets stand behind each period and warns when a
  period rests on one document or one outlet, or when the periods come from different outlets; a difference
  between periods may then be a difference between outlets (use the Outlets filter).
""")
st.markdown("**Measured coverage of the nominal 95% interval for a mean** (`python bench/bench_coverage.py`: "
            "samples of n remarks drawn from the seed table's own officials' remarks)")
st.dataframe(query.coverage_table(), key="method_coverage", hide_index=True, width="content")

st.subheader("Who says it: how statements are attributed")
st.markdown("""
Each document is read by the parser of its *format* (given in `manifest.toml`, else detected):
transcripts split at speaker labels ("Question:", "Sergey Lavrov:"); live blogs at clock stamps and
headlines; news reports at datelines and section headings; digests at dated items, whose title names the
speaker ("Sergey Lavrov's remarks …") or none (a press release narrates). In reporting prose:

- a quotation is `direct`, attributed to the speaker its frame names ("…," Lavrov said); a quotation left
  open runs on into the next paragraph;
- a paraphrase with a frame ("Lavrov says Russia is ready …", "…, according to the minister") is `reported`;
- "Lavrov is asked …", "A question from Japan …" and sentences ending in "?" are `question` (speaker *Press*);
- headlines, narration and topic transitions are `context`, with no speaker;
- "he", "the minister", "Russia's top diplomat" mean the last speaker named; a bare frame ("he said") is
  not a statement of its own.

Page furniture (menus, clocks, phone numbers, copyright lines, "Listen Live") and bare frames are left out;
the build report (`*.build.json` beside the table) lists every span left out and why.
""")

st.subheader("Large tables: the same numbers from the files on disk")
st.markdown(f"""
A prebuilt table of more than {data.LARGE_TABLE_ROWS:,} statements is not read into memory: every number is
asked of DuckDB over its Parquet files (one connection per server process, a cursor per question), and
answers are remembered until the table changes. The sidebar says which way this table is read.

- **Counts, shares and their intervals** are counted in SQL; one row per remark is the report with the
  smallest statement id, carrying its group's targets, as in memory.
- **Means and their intervals** use exact sufficient statistics per period (statements, remarks, sum, the
  squared remark residuals): the same cluster-robust t interval as in memory, to the last digit.
- **Tests of a change in a mean** permute each remark's sum and size, fetched in the same order, with the
  same seed: the same p-values. Above {stats.MAX_PERM_CLUSTERS:,} remarks in the two periods together,
  Welch's t test on the same standard errors is used instead (there, the permutation distribution is normal
  well within the Monte Carlo error of {stats.N_PERM:,} permutations).
- **What is listed, not counted, is bounded**: a cell's statements, a search and the documents table show the
  first {sliced.ROW_LIMIT:,} rows and say how many there are; the topic map and the timeline draw a sample of
  {sliced.POINT_LIMIT:,} statements fixed by their ids; period similarity fits TF-IDF on at most
  {sliced.SIMILARITY_LIMIT:,} statements about the target (a sample fixed the same way).
- **Position cards** are computed from the filtered statements, fetched whole up to {sliced.FRAME_LIMIT:,};
  beyond that (a whole large corpus, no filter), from the compared periods only, so the keyness prior then
  counts those periods' statements rather than the whole table's. Filter by actor to compare one state.
""")

st.subheader("Caveats")
st.markdown("""
- **Lexicon heuristics.** VADER was built for English social-media text; diplomatic language ("our partners",
  "we regret") is read word by word, without irony or context. Stance counts words. Read the quotes behind a number.
- **Translation differences between outlets.** RT, Sputnik, TASS and the ministry translate the same Russian
  remark differently, so tone and terms shift with the translator. Count *each unique remark once* to stop a
  remark reported twice weighing double, and compare outlets with the Outlets filter.
- **Small samples.** Some periods have few statements (below); intervals are then wide or absent, and a test
  may find no evidence of a change that is real. "No evidence of change" is not evidence of no change.
- **Time stamps** of live blogs are shown as printed, in GMT (Moscow is GMT+3), not converted; entries are
  written minutes after the words were said.
- **Undated statements.** A source that prints no date (the 2014 ministry archive page) gives statements
  without a date: they count in their period but are not on the date axis.
""")
st.dataframe(query.kind_counts(ctx.table), key="method_counts", hide_index=True)
st.caption("Statements per kind and period in the whole table, before any filter.")

st.subheader("A classroom walk-through (15 minutes)")
st.markdown("""
1. **Overview**: which target dominates which year? Click the *Ukraine · 2014* cell and read the statements behind it.
2. **Compare**: choose *Ukraine* with *2014* and *2017*. Which changes have evidence? Which words are new?
3. **Timeline**: in what order did the topics come up on 15 January 2018? Hover for the quotes.
4. In the sidebar, switch **Count** to *each unique remark once*: which numbers move, and why?
5. **Statements**: search for *sanctions*; read the words around each hit. Copy the link and share the view.
""")

st.subheader("Sharing a view: URL parameters")
st.markdown("Every page keeps its choices in the address, so a copied link reopens the same view. "
            "Values not in the table are ignored with a notice.")
st.table({"parameter": list(PARAM_HELP), "meaning": list(PARAM_HELP.values())})
session.copy_link(ctx.url_path)

st.subheader("Do tone and stance agree with a careful reader?")
agreement = validation_figures()
st.dataframe(agreement, key="method_validation", hide_index=True)
st.caption("Statements coded by reading (stance toward each target named; tone's sign), against the sign of the score: "
           "the seeds' officials and UN General Debate paragraphs no rule was written against. Kappa 0 is chance, 1 perfect; "
           "'neutral' counts scores inside the band. "
           + agreement.attrs.get("note", "Not measured yet: run bench/bench_agreement.py."))
