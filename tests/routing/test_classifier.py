"""The classifier as staff and scripts meet it (docs/classifier.md): the learned model with the
rules on top, measured on letters it never saw; learning from staff decisions; the model in
use and its reasons; units per route; and the commands ``classify``, ``train_classifier``
and ``evaluate_classifier``."""

import io
import json
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from representatives.models import Area
from representatives.services.reference import LoadReport, areas_load
from routing import classifier
from routing.classifier import corpus, learned, rules, store
from routing.classifier.suggest import REVIEW_BELOW
from routing.models import Category, ClassifierModel, HandlingUnit, Route
from routing.services.classifier_training import (
    classifier_retrain_if_due,
    decision_examples,
)
from routing.services.reference import categories_load, units_load
from routing.services.workflow import case_triage
from tests.routing.helpers import open_case

SHORT = [e for path in corpus.SHORT_TUNING for e in corpus.read_file(path)]
POOL = [e for p in corpus.long_parts(held_out=False) for e in corpus.read_file(p)]
# Kept apart from all tuning (docs/classifier.md, "Accuracy").
HELD_OUT = [e for p in corpus.long_parts(held_out=True) for e in corpus.read_file(p)]
PHONE_HELD_OUT = [e for path in corpus.SHORT_HELD_OUT for e in corpus.read_file(path)]


@pytest.fixture
def network(db):
    """Areas, handling units and categories as the reference data loads them (no representatives)."""
    report = LoadReport()
    areas_load(report)
    units_load(report)
    categories_load(report)


def _measure(model, examples) -> dict:
    texts = [e.text for e in examples]
    predictions = learned.combine_many(model, texts, [rules.analyse(t) for t in texts])
    return learned.evaluation(
        [e.code for e in examples],
        [p.code for p in predictions],
        [e.category for e in examples],
        [p.category for p in predictions],
    )


# --- the corpora ------------------------------------------------------------------------------


def test_the_corpora_are_labelled_in_full_and_in_the_real_style():
    everything = corpus.bundled()
    assert len(POOL) + len(HELD_OUT) >= 800 and len(HELD_OUT) >= 400
    taxonomy = rules.engine().rules.taxonomy
    assert {e.code for e in everything} == set(corpus.CODES)
    assert set(taxonomy) <= {e.category for e in everything}
    letters = sorted(len(e.text) for e in POOL + HELD_OUT)
    assert 180 <= letters[len(letters) // 2] <= 280  # median about 230 characters
    assert sum(n >= 400 for n in letters) / len(letters) >= 0.2  # often 500+
    # Real traffic is mostly 转办, then 督办: the held-out letters keep those proportions.
    codes = Counter(e.code for e in HELD_OUT)
    assert codes["transfer"] / len(HELD_OUT) > 0.5
    assert codes["supervise"] > max(codes["direct"], codes["report"], codes["assign"])


# --- the learned model, measured on what it never saw -----------------------------------------


@pytest.fixture(scope="session")
def pool_model():
    """Trained on the tuning corpora: the held-out letters and phone messages are new to it.

    Session-scoped, not module-scoped: pytest-django runs the database tests first, which
    splits this module in two, and a module fixture would be trained once for each half."""
    return learned.fit(SHORT + POOL)


def test_on_unseen_letters_the_model_beats_the_rules_and_the_commonest_route(pool_model):
    figures = _measure(pool_model, HELD_OUT)
    by_rules = Counter(rules.classify(e.text).code == e.code for e in HELD_OUT)[True]
    always_transfer = sum(e.code == "transfer" for e in HELD_OUT)
    assert figures["route_accuracy"] >= 0.82, figures
    assert figures["route_accuracy"] * len(HELD_OUT) > max(by_rules, always_transfer)
    assert figures["per_route"]["supervise"]["recall"] >= 0.78, figures
    assert figures["per_route"]["report"]["precision"] >= 0.65, figures
    assert figures["category_accuracy"] >= 0.82, figures


def test_the_short_one_line_style_holds(pool_model):
    figures = _measure(pool_model, PHONE_HELD_OUT)
    assert figures["route_accuracy"] >= 0.82, figures
    assert figures["per_route"]["supervise"]["recall"] >= 0.82, figures
    assert figures["per_route"]["report"]["precision"] >= 0.85, figures


def test_a_hazard_is_supervised_whatever_the_model_says(pool_model):
    # The model's own answer is overruled by the hazard rule (a hard override).
    hazards = [e for e in SHORT + POOL + HELD_OUT if e.code == "supervise"]
    texts = [e.text for e in hazards]
    analyses = [rules.analyse(t) for t in texts]
    for analysis, p in zip(
        analyses, learned.combine_many(pool_model, texts, analyses), strict=False
    ):
        if analysis.overridden:
            assert p.code == "supervise"


def test_learning_from_decisions_moves_the_answer():
    """Staff keep sending 快递柜 complaints to the street office: the model follows them."""
    text = "小区门口的快递柜乱收费，放一晚上就扣钱"
    before = learned.fit(SHORT)
    taught = [
        corpus.Example(
            text=f"{text}，{n}号楼",
            code="assign",
            route="assign",
            category="estate-property",
            urgent=False,
            weight=3.0,
        )
        for n in range(40)
    ]
    after = learned.fit(SHORT + taught)
    analysis = rules.analyse(text)
    assert before.predict([text], [analysis])[0].code == "transfer"
    assert after.predict([text], [analysis])[0].code == "assign"


def test_a_model_survives_the_database_and_refuses_another_layout(pool_model):
    blob = learned.dumps(pool_model)
    assert learned.loads(blob).report == pool_model.report
    pool_model.format, saved = 0, pool_model.format
    try:
        assert learned.loads(learned.dumps(pool_model)) is None
    finally:
        pool_model.format = saved


# --- the suggestion staff see ------------------------------------------------------------------


def test_a_suggestion_names_its_model_and_its_strongest_words(db):
    s = classifier.classify(
        "尊敬的领导：我们小区暖气不热已经一个月了，室温只有十五度，孩子冻感冒了。"
    )
    assert (s.code, s.category) == ("transfer", "heating")
    assert s.model_version is None  # no model stored yet: the baseline of the corpora
    assert s.reasons[0].startswith("基础模型建议：转办，供暖") and "暖气" in s.model_words


@pytest.mark.parametrize("text", ["", "   ", "Hello, the street light is broken.", "？？？!!"])
def test_an_empty_or_foreign_text_gets_a_low_confidence_suggestion(db, text):
    s = classifier.classify(text)
    assert s.needs_review and s.confidence <= 0.1
    assert "请人工判断" in s.reasons[0]


def test_below_the_threshold_it_asks_staff_to_decide(pool_model):
    """Where the model is unsure it says so, and it is unsure where it is wrong more often."""
    texts = [e.text for e in HELD_OUT]
    predictions = learned.combine_many(pool_model, texts, [rules.analyse(t) for t in texts])
    unsure = [
        (e, p) for e, p in zip(HELD_OUT, predictions, strict=False) if p.confidence < REVIEW_BELOW
    ]
    sure = [
        (e, p) for e, p in zip(HELD_OUT, predictions, strict=False) if p.confidence >= REVIEW_BELOW
    ]
    assert 0.04 <= len(unsure) / len(HELD_OUT) <= 0.3

    def right(pairs):
        return sum(e.code == p.code for e, p in pairs) / len(pairs)

    assert right(sure) >= right(unsure) + 0.2


def test_an_unsure_suggestion_leads_with_please_decide(db, pool_model):
    # The model in use has not seen the held-out letters (stored as a version would be).
    ClassifierModel.objects.create(
        examples=1,
        decisions=0,
        route_accuracy_cv=0,
        category_accuracy_cv=0,
        library=pool_model.report["library"],
        seconds=0,
        blob=learned.dumps(pool_model),
    )
    suggestions = classifier.classify_many([e.text for e in HELD_OUT])
    unsure = [s for s in suggestions if s.confidence < REVIEW_BELOW]
    assert unsure and all(s.needs_review and s.reasons[0] == "把握不大，请人工判断" for s in unsure)
    assert not any(s.needs_review for s in suggestions if s.confidence >= REVIEW_BELOW)


def test_a_hazard_in_a_long_letter_is_supervised_and_urgent(db):
    letter = (
        "尊敬的市长：您好！我是白碱滩区的居民，先说一下我们小区停车难的问题，晚上回来根本没地方停。"
        "另外还有一件更急的事，三号楼二单元楼道里这两天一直有很浓的燃气味，物业说不归他们管，"
        "我们很担心，望尽快处理。"
    )
    s = classifier.classify(letter)
    assert (s.code, s.urgent, s.deadline_level) == ("supervise", True, "urgent")
    assert any("燃气味" in r for r in s.reasons)


# --- units ---------------------------------------------------------------------------------------


def _unit(text, area):
    unit = classifier.unit_for(classifier.classify(text), area)
    return unit.name if unit else None


def test_unit_for_each_route(network):
    community = Area.objects.get(name="向阳北社区")
    street = Area.objects.get(name="银河路街道")
    township = Area.objects.get(name="小拐乡")
    district = Area.objects.get(name="克拉玛依区")
    # assign: the street office of the community's street, or the township government.
    assert _unit("小区楼道灯坏了", community) == "银河路街道办事处"
    assert _unit("小区楼道灯坏了", street) == "银河路街道办事处"
    assert _unit("小区楼道灯坏了", township) == "小拐乡人民政府"
    assert _unit("小区楼道灯坏了", district) is None
    assert _unit("小区楼道灯坏了", None) is None
    # transfer: the category's department, chosen by keyword where there are several.
    assert _unit("暖气不热", community) == "克拉玛依市住房和城乡建设局"
    assert _unit("路口红绿灯时间太短", None) == "克拉玛依市公安局交警支队"
    assert _unit("医保报销比例太低", None) == "克拉玛依市医疗保障局"
    assert _unit("建议检察院多关注公益诉讼", None) == "克拉玛依市人民检察院"
    assert _unit("建议法院加强执行工作", None) == "克拉玛依市中级人民法院"
    # report: the higher-level standing committee; direct: nobody but the representative.
    assert _unit("建议增加克拉玛依的航班", community) == "新疆维吾尔自治区人大常委会"
    assert _unit("低保怎么申请", community) is None
    # supervised: the unit of the route it follows.
    assert _unit("外墙砖松动掉下来差点砸到人", community) == "银河路街道办事处"
    assert _unit("楼道里有燃气味", community) == "克拉玛依市水务部门"


def test_a_transfer_without_its_department_goes_to_the_city_government_office(network):
    HandlingUnit.objects.filter(name="克拉玛依市文化体育广播电视和旅游局").delete()
    assert _unit("图书馆周末开放时间太短", None) == "克拉玛依市人民政府办公室"


def test_units_and_the_model_are_read_once(network, queries):
    community = Area.objects.get(name="向阳北社区")
    classifier.classify("暖和")  # the model in use is looked up once a minute
    with queries(0):
        suggestions = classifier.classify_many([e.text for e in SHORT])
    with queries(1):
        for s in suggestions:
            classifier.unit_for(s, community)
    # Saving a unit in this process forgets the cache; the next look-up reads them again.
    HandlingUnit.objects.create(name="克拉玛依市测试局", kind="city_department")
    with queries(1):
        assert classifier.unit_for(classifier.classify("小区楼道灯坏了"), community)


# --- learning from staff -------------------------------------------------------------------------


def test_each_cases_latest_decision_is_an_example(site, committee_staff, categories, unit_staff):
    case = open_case(site.area, site=site, text="楼下烧烤店油烟太大，晚上开窗都不行" * 3)
    case_triage(
        case_id=case.pk,
        actor=committee_staff,
        route=Route.ASSIGN,
        category=Category.objects.get(slug="environment"),
        unit=unit_staff.official.unit,
        supervise=True,
        supervisor=committee_staff,
    )
    examples, newest = decision_examples()
    [example] = examples
    # The whole text the resident wrote, not the 200-character summary.
    assert example.text == case.submissions.get().text and len(example.text) > 40
    assert (example.code, example.route, example.category) == ("supervise", "assign", "environment")
    assert example.weight > 1 and newest == case.decisions.get().pk


@pytest.mark.usefixtures("two_folds")
def test_train_then_classify_uses_the_new_version(network, tmp_path):
    extra = tmp_path / "extra.jsonl"
    lines = [
        {
            "text": "快递驿站把包裹随便堆在门口，丢了也不管",
            "route": "transfer",
            "category": "postal-express",
            "urgent": False,
        },
        {
            "text": "工地欠了我们二十个人三个月的工钱",
            "route": "supervise",
            "category": "social-security-jobs",
            "urgent": False,
        },
    ]
    extra.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n")
    out = io.StringIO()
    call_command("train_classifier", "--extra", str(extra), stdout=out)
    printed = json.loads(out.getvalue())
    model = ClassifierModel.objects.get()
    assert printed["version"] == model.pk
    assert printed["examples"] == len(corpus.bundled()) + 2 == model.examples
    assert 0.7 <= printed["route_accuracy_cv"] <= 1 and model.decisions == 2
    per_route = model.report["per_route"]
    assert set(per_route) == set(corpus.CODES) and per_route["supervise"]["recall"] >= 0.7
    # classify now answers with that version.
    answer = io.StringIO()
    call_command("classify", stdin=io.StringIO('{"text": "路灯不亮", "id": 1}\n'), stdout=answer)
    assert json.loads(answer.getvalue())["model_version"] == model.pk
    # Nightly: nothing new since, so no retraining.
    assert classifier_retrain_if_due() is None


def test_a_malformed_extra_line_is_reported_and_nothing_is_trained(db, tmp_path):
    extra = tmp_path / "extra.jsonl"
    extra.write_text(
        '{"text": "路灯不亮", "route": "transfer", "category": "city-management", "urgent": false}\n'
        '{"text": "暖气不热", "route": "reroute", "category": "heating", "urgent": false}\n',
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"line 2: route must be one of .*nothing was trained"):
        call_command("train_classifier", "--extra", str(extra))
    extra.write_text("not json\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 1"):
        call_command("train_classifier", "--extra", str(extra))
    assert not ClassifierModel.objects.exists()


@pytest.fixture
def two_folds(monkeypatch):
    """Cross-validation over 2 folds instead of 5: the same code, in half the time (the folds'
    number is not what these tests check; bench/classifier_accuracy.py measures with 5)."""
    monkeypatch.setattr("routing.services.classifier_training.FOLDS_SMALL", 2)


@pytest.mark.usefixtures("two_folds")
def test_the_nightly_task_trains_when_none_exists(db, settings):
    settings.CLASSIFIER_RETRAIN_AFTER_DECISIONS = 20
    model = classifier_retrain_if_due()
    assert model is not None and ClassifierModel.objects.count() == 1
    store.forget()
    assert classifier.classify("路灯不亮").model_version == model.pk


# --- the commands ----------------------------------------------------------------------------------


def _run(stdin) -> list[dict]:
    out = io.StringIO()
    call_command("classify", stdin=stdin, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_classify_answers_each_line_in_order(network):
    community = Area.objects.get(name="向阳北社区")
    lines = [
        json.dumps(
            {"text": "小区楼道灯坏了", "area": community.code, "id": 41}, ensure_ascii=False
        ),
        "这不是JSON",
        json.dumps({"area": community.code, "id": "b"}),
        json.dumps({"text": "路灯不亮"}, ensure_ascii=False),
        "",
        json.dumps({"text": "小区楼道灯坏了", "area": "999999"}, ensure_ascii=False),
        json.dumps({"text": "楼道里有燃气味", "area": community.code}, ensure_ascii=False),
    ]
    out = _run(io.StringIO("\n".join(lines) + "\n"))
    assert len(out) == len(lines)
    assert {k: out[0][k] for k in ("route", "base_route", "category", "urgent", "unit", "id")} == {
        "route": "assign",
        "base_route": "assign",
        "category": "estate-property",
        "urgent": False,
        "unit": "银河路街道办事处",
        "id": 41,
    }
    assert 0 < out[0]["confidence"] <= 1 and out[0]["reasons"]
    assert out[1] == {"error": "line is not JSON"}
    # No text: a clear low-confidence suggestion, never an error; the id comes back.
    assert out[2]["needs_review"] and out[2]["confidence"] <= 0.1 and out[2]["id"] == "b"
    assert (out[3]["route"], out[3]["unit"]) == ("transfer", "克拉玛依市城市管理局")
    assert "id" not in out[3]
    assert out[4] == {"error": "line is not JSON"}
    assert out[5]["unit"] is None and "区域代码 999999 不存在" in out[5]["reasons"][-1]
    assert (out[6]["route"], out[6]["base_route"], out[6]["urgent"]) == (
        "supervise",
        "transfer",
        True,
    )


def test_classify_writes_chinese_as_is_and_survives_bad_bytes(network):
    stdin = io.BytesIO(b'{"text": "\xff\xfe"}\n' + '{"text": "路灯不亮"}\n'.encode())
    out = io.StringIO()
    call_command("classify", stdin=stdin, stdout=out)
    first, second = out.getvalue().splitlines()
    assert json.loads(first) == {"error": "line is not UTF-8"}
    assert "市容城管与绿化" in second  # ensure_ascii=False


def test_classify_takes_a_thousand_lines_with_a_fixed_number_of_queries(network, queries):
    codes = [Area.objects.get(name=n).code for n in ("向阳北社区", "长征社区", "小拐乡")]
    lines = [
        json.dumps({"text": SHORT[i % len(SHORT)].text, "area": codes[i % 3]}) for i in range(1000)
    ]
    # The model in use, the units, and the area codes of each chunk that brings new ones.
    with queries(3):
        out = _run(io.StringIO("\n".join(lines)))
    assert len(out) == 1000
    assert not [o for o in out if "error" in o]


def test_evaluate_prints_figures_per_route_for_tsv_and_jsonl(db, tmp_path):
    sample = HELD_OUT[:40]
    tsv = tmp_path / "real.tsv"
    tsv.write_text(
        "route\ttext\tcategory\n" + "".join(f"{e.code}\t{e.text}\t{e.category}\n" for e in sample),
        encoding="utf-8",
    )
    jsonl = tmp_path / "real.jsonl"
    jsonl.write_text(
        "".join(
            json.dumps({"text": e.text, "route": e.code, "category": e.category}) + "\n"
            for e in sample
        ),
        encoding="utf-8",
    )
    results = []
    for path in (tsv, jsonl):
        out = io.StringIO()
        call_command("evaluate_classifier", str(path), stdout=out)
        results.append(json.loads(out.getvalue()))
    assert results[0] == results[1]
    figures = results[0]
    assert figures["texts"] == 40 and figures["category_texts"] == 40
    assert set(figures["per_route"]) == set(corpus.CODES)
    assert sum(sum(row.values()) for row in figures["confusion"].values()) == 40
    supervise = figures["per_route"]["supervise"]
    assert supervise["support"] == sum(e.code == "supervise" for e in sample)
    assert 0 <= figures["route_accuracy"] <= 1


def test_evaluate_names_a_bad_line(db, tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("路灯不亮\ttransfer\n暖气不热\tsomewhere\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 2: route must be one of"):
        call_command("evaluate_classifier", str(bad))
