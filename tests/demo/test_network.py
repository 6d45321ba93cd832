import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from demo.network import network_seed
from representatives.models import Area, LiaisonSite, QRCode, Representative
from routing.models import HandlingUnit

pytestmark = pytest.mark.django_db


def _counts():
    return {
        m.__name__: m.objects.count()
        for m in (Area, LiaisonSite, Representative, QRCode, HandlingUnit, get_user_model())
    }


def test_seed_builds_the_karamay_network_at_article_scale():
    network_seed(with_accounts=True, password="demo-pass-2026")
    assert Area.objects.filter(level__in=["street", "township"]).count() == 16
    assert Area.objects.filter(level__in=["community", "village"]).count() == 112
    assert Representative.objects.count() >= 800
    assert Area.objects.get(name="长征社区").street.name == "胜利路街道"
    assert LiaisonSite.objects.get(area__name="长征社区").reception_day == 10
    # Every site and every representative has exactly one active code.
    assert QRCode.objects.filter(status="active").count() == (
        LiaisonSite.objects.count() + Representative.objects.count()
    )
    # One street office / township government per street, and the fixed city bodies.
    assert (
        HandlingUnit.objects.filter(kind__in=["street_office", "township_government"]).count() == 16
    )
    assert HandlingUnit.objects.filter(name="克拉玛依市生态环境局").exists()
    assert HandlingUnit.objects.filter(kind="higher_congress").count() == 1
    # Every station and point has at least one representative.
    assert not LiaisonSite.objects.filter(
        kind__in=["station", "point"], representatives=None
    ).exists()
    assert all("（演示）" in n for n in Representative.objects.values_list("name", flat=True))


def test_seed_twice_adds_nothing():
    network_seed(with_accounts=True, password="demo-pass-2026")
    before = _counts()
    network_seed(with_accounts=True, password="demo-pass-2026")
    assert _counts() == before


def test_seed_never_overwrites_real_data():
    network_seed(with_accounts=False, password="x")
    site = LiaisonSite.objects.get(area__name="长征社区")
    site.address = "长征社区党群服务中心二楼（真实地址）"
    site.reception_rule = "每月10日 全天"
    site.save()
    User = get_user_model()
    User.objects.create_user("demo_committee", password="a-real-password-123")
    network_seed(with_accounts=True, password="demo-pass-2026")
    site.refresh_from_db()
    assert site.address == "长征社区党群服务中心二楼（真实地址）"
    assert site.reception_rule == "每月10日 全天"
    assert User.objects.get(username="demo_committee").check_password("a-real-password-123")


def test_seed_command_refuses_demo_accounts_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing"):
        call_command("seed_demo")
    assert not get_user_model().objects.exists()
    call_command("seed_demo", "--no-accounts")
    assert Area.objects.exists() and not get_user_model().objects.exists()
    call_command("seed_demo", "--force-demo-accounts")
    assert get_user_model().objects.filter(username="demo_committee").exists()


def test_seed_command_prints_accounts(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "demo_committee" in out and "demo-pass-2026" in out
    call_command("seed_demo")
    assert "nothing new" in capsys.readouterr().out
