"""The per-statement analysis columns that need no fitted model: targets, context_targets, tone,
stance, target_stance, and each statement's content stems as term codes (``DUP_TERMS``), from
which ``enrich.place_topics`` places the topics and ``enrich.finish`` finds the duplicates.

A pure function of a batch and the targets lexicon. It imports no scikit-learn, so a build's
workers start before the build's own process has imported it, and never import it themselves.
"""

from __future__ import annotations

import pandas as pd

from rhetoric_shift.duplicates import DUP_TERMS
from rhetoric_shift.stance import stance_matches, stance_score
from rhetoric_shift.targets import Lexicon, context_targets
from rhetoric_shift.tokens import content_stems_of, gc_paused, term_codes, tokenize
from rhetoric_shift.tone import target_stance, tone

REQUIRED = ("statement_id", "doc_id", "kind", "text", "period")
TOPIC_COLUMNS = ("topic", "topic_label", "map_x", "map_y")  # filled by ``enrich.place_topics``, not here


def check_columns(table: pd.DataFrame) -> None:
    """Raises ValueError naming the segmentation columns ``table`` lacks."""
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        raise ValueError(f"enrich: the table lacks the segmentation column(s) {', '.join(missing)}")


@gc_paused
def analyse_batch(batch: pd.DataFrame, lexicon: Lexicon) -> pd.DataFrame:
    """One batch of whole documents with the columns that need no fitted model.

    A pure function of ``batch`` and ``lexicon``: rows keep their order; ``context_targets``
    follows ``parent_id`` inside the batch (a document's headings are in the same batch). Fills
    targets, context_targets, tone, stance and target_stance, and adds the column ``DUP_TERMS``
    (content stems as term codes), from which ``enrich.place_topics`` places the topics and
    ``enrich.finish`` finds the duplicates.
    """
    check_columns(batch)
    # A table enriched before keeps no topics of its own: their absence tells ``enrich.finish`` to place them.
    out = batch.drop(columns=[c for c in TOPIC_COLUMNS if c in batch]).reset_index(drop=True)
    if "parent_id" not in out:
        out["parent_id"] = None
    if "n_words" not in out:
        out["n_words"] = [len(t.split()) for t in out["text"].astype(str)]
    texts = out["text"].astype(str).tolist()
    words = [tokenize(t) for t in texts]  # tokenised once: the stems and the stance terms read these
    out["targets"] = lexicon.tag_many(texts, words)
    out["context_targets"] = context_targets(out) if len(out) else []
    out["tone"] = tone(texts)
    matches = [stance_matches(t, tokens=w) for t, w in zip(texts, words)]  # found once, for both stance columns
    out["stance"] = [stance_score(m) for m in matches]
    out["target_stance"] = target_stance(texts, out["targets"], lexicon, matches=matches)
    out[DUP_TERMS] = [term_codes(content_stems_of(w)) for w in words]
    out["dup_group"] = out["statement_id"].astype(str)
    return out
