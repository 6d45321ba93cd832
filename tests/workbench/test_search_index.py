"""Search reads the words each case stored when it was opened (routing.search): the same
cases on SQLite and PostgreSQL, and on PostgreSQL through the GIN index."""

import pytest
from django.db import connection

from routing.models import Case
from routing.search import search_q, search_words
from tests.routing.helpers import open_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_suggestion")]


def test_an_opened_case_keeps_its_words_with_the_words_inside_longer_ones(site):
    case = open_case(site.area, site=site, text="公司拖欠工资三个月了，3号楼的WiFi也坏了。")
    words = Case.objects.get(pk=case.pk).search_words.split()
    assert {"拖欠工资", "拖欠", "工资", "wifi"} <= set(words)
    assert "，" not in words and "的" not in words
    assert len(words) == len(set(words))


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("拖欠", True),  # a word inside a longer one
        ("工资 拖欠", True),  # every word, in any order
        ("WIFI", True),  # case does not matter
        ("3号楼", True),
        ("拖欠 路灯", False),  # every word, not any
        ("工人", False),  # a word must be one of the text's (工 is, 工人 is not)
        ("资三", True),  # characters on their own: 资 and 三 are both in the text
    ],
)
def test_search_finds_cases_by_whole_words(site, query, found):
    case = open_case(site.area, site=site, text="公司拖欠工资三个月了，3号楼的WiFi也坏了。")
    assert Case.objects.filter(search_q(query)).filter(pk=case.pk).exists() is found


def test_an_empty_search_filters_nothing(site):
    open_case(site.area, site=site)
    assert Case.objects.filter(search_q(" ，")).count() == 1


def test_search_words_of_nothing_is_empty():
    assert search_words("") == "" and search_words("，。！") == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_postgresql_answers_a_search_from_the_gin_index(site):
    open_case(site.area, site=site)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = Case.objects.filter(search_q("路灯不亮")).explain()
    assert "case_search_words" in plan


def test_a_one_character_word_of_a_search_matches_inside_the_texts_words(site):
    """路灯不亮 is cut 路灯/不/亮; a text may have been cut 路灯/一直/不亮."""
    case = open_case(site.area, site=site, text="楼下的路灯一直不亮，晚上很黑。")
    assert Case.objects.filter(search_q("路灯不亮")).filter(pk=case.pk).exists()
    assert not Case.objects.filter(search_q("路灯不暗")).exists()
