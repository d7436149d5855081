"""Ranking quality on the labelled development set (what an experienced broker would pick)."""

from bench import quality


def test_engine_ranks_the_brokers_picks_on_top():
    result = quality.evaluate()
    assert result["needs"] == 6
    # Four volunteers per need are labelled good, so 0.8 is a perfect precision@5.
    assert result["precision5"] >= 0.7
    assert result["ndcg5"] >= 0.9
