"""python manage.py open311_key --channel NAME  (prints the new key as its last line)
python manage.py open311_key --revoke PREFIX    (revokes the active keys beginning so)"""

from django.core.management.base import BaseCommand, CommandError

from open311.models import ApiKey
from open311.services import api_key_create, api_keys_revoke


class Command(BaseCommand):
    help = "Create an Open311 API key for a partner channel, or revoke one (docs/api.md)."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--channel", help="the partner channel, e.g. 12345热线")
        group.add_argument("--revoke", metavar="PREFIX", help="the first characters of a key")

    def handle(self, *args, channel, revoke, **options):
        if revoke:
            ids = ApiKey.objects.filter(prefix=revoke, revoked_at__isnull=True).values("pk")
            done = api_keys_revoke(ids)
            if not done:
                raise CommandError(f"no active key begins with {revoke!r}")
            self.stdout.write(f"revoked {done} key(s) beginning with {revoke}")
            return
        if not channel.strip():
            raise CommandError("--channel needs a name")
        key, raw = api_key_create(channel=channel)
        self.stdout.write(
            f"API key for {key.channel} (begins with {key.prefix}); it is shown only once:"
        )
        self.stdout.write(raw)
