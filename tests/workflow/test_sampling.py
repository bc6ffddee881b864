"""The random reliability sample: reproducible, sized as asked, balanced, never the first
coder."""

from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflow.sampling import SampleError, draw, new_seed, sample_size


@pytest.mark.parametrize(
    ("population", "percent", "expected"),
    [(10, 20, 2), (10, 25, 3), (10, 30, 3), (7, 10, 1), (3, 1, 1), (0, 50, 0), (4, 100, 4)],
)
def test_sample_size_rounds_up_and_takes_at_least_one(population, percent, expected):
    assert sample_size(population, Decimal(percent)) == expected


def test_sample_size_refuses_a_share_out_of_range():
    with pytest.raises(SampleError):
        sample_size(10, 0)
    with pytest.raises(SampleError):
        sample_size(10, 101)


def test_the_same_seed_and_transcripts_give_the_same_sample():
    ids = list(range(100, 160))
    first = draw(transcript_ids=ids, percent=20, seed=4242, coder_ids=[1, 2, 3])
    again = draw(transcript_ids=list(reversed(ids)), percent=20, seed=4242, coder_ids=[3, 1, 2])
    assert first == again
    assert len(first.transcript_ids) == 12
    other = draw(transcript_ids=ids, percent=20, seed=4243, coder_ids=[1, 2, 3])
    assert other.transcript_ids != first.transcript_ids


@given(
    ids=st.sets(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=80),
    percent=st.integers(min_value=1, max_value=100),
    seed=st.integers(min_value=0, max_value=2**31),
)
def test_any_draw_is_reproducible_and_within_the_population(ids, percent, seed):
    one = draw(transcript_ids=ids, percent=percent, seed=seed, coder_ids=[7, 8])
    two = draw(transcript_ids=sorted(ids), percent=percent, seed=seed, coder_ids=[8, 7])
    assert one == two
    assert set(one.transcript_ids) <= ids
    assert len(one.transcript_ids) == sample_size(len(ids), percent)
    assert one.transcript_ids == sorted(one.transcript_ids)


def test_second_coders_are_balanced_and_never_the_first_coder():
    ids = list(range(1, 31))
    first_coder = {t: {1 + t % 3} for t in ids}
    result = draw(transcript_ids=ids, percent=100, seed=9, coder_ids=[1, 2, 3], taken=first_coder)
    assert all(result.second_coder[t] not in first_coder[t] for t in ids)
    loads = Counter(result.second_coder.values())
    assert max(loads.values()) - min(loads.values()) <= 1


def test_transcripts_already_double_coded_get_no_new_coder():
    result = draw(transcript_ids=[1, 2], percent=100, seed=1, coder_ids=[5, 6], covered=[2])
    assert result.transcript_ids == [1, 2]
    assert set(result.second_coder) == {1}


def test_no_eligible_second_coder_is_refused_with_the_transcript():
    with pytest.raises(SampleError) as error:
        draw(transcript_ids=[4], percent=100, seed=1, coder_ids=[5], taken={4: {5}})
    assert error.value.transcript_id == 4


def test_new_seeds_have_six_digits():
    assert all(100_000 <= new_seed() < 1_000_000 for _ in range(20))
