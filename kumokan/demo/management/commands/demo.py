"""`manage.py demo CITY`: load a city's demo data (again without duplicating anything) and print the logins."""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings

from kumokan.accounts.actions import give_demo_device
from kumokan.accounts.two_factor import base32_secret, requires_two_factor
from kumokan.demo.from_pack import NoDemo, city_for, demo_cities
from kumokan.demo.load import load_demo


class Command(BaseCommand):
    help = "Load a city's demo: departments, one login per role and about thirty services in every state."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "city", help="the city whose rules (pack) the demo uses: any installed municipality pack id"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["city"] not in demo_cities():
            raise CommandError(
                f"「{options['city']}」のパックはありません / no municipality pack {options['city']!r} "
                f"(known: {', '.join(demo_cities())})"
            )
        try:
            city_for(options["city"])
        except NoDemo as exc:
            raise CommandError(str(exc)) from None
        password = os.environ.get("KUMOKAN_DEMO_PASSWORD") or secrets.token_urlsafe(12)
        # The demo's notifications stay in the app: its thirty services would mail invented people.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            report = load_demo(options["city"], password)
        municipality = report.municipality
        self.stdout.write(
            f"{municipality.name}（パック: {', '.join(municipality.pack_ids())}）: "
            f"サービス {len(report.created)} 件を作成、{report.existing} 件は作成済み"
        )
        if municipality.configured_approver:
            self.stdout.write(
                f"許可権限者（デモ用の設定。規程には定めがありません）: {municipality.configured_approver_title}"
            )
        self.stdout.write("\nログイン（ユーザー名 / 氏名 / この市での役職 / 所属）:")
        width = max(len(login.username) for login in report.logins)
        for login in report.logins:
            departments = "、".join(login.departments) or "—"
            self.stdout.write(
                f"  {login.username:<{width}}  {login.name}  {'、'.join(login.titles)}  {departments}"
            )
        source = "KUMOKAN_DEMO_PASSWORD" if os.environ.get("KUMOKAN_DEMO_PASSWORD") else "この実行で生成"
        self.stdout.write(f"\nパスワード（全員共通、{source}）: {password}")
        self._two_factor(report.logins)

    def _two_factor(self, logins: list[Any]) -> None:
        """Deciders and administrators must use TOTP: their demo authenticator secrets, and how to get a code."""
        users = (
            get_user_model()
            .objects.filter(username__in=[login.username for login in logins])
            .order_by("username")
        )
        deciders = [user for user in users if requires_two_factor(user)]
        if not deciders:
            return
        self.stdout.write(
            "\n二要素認証（この役職には必須）: 認証アプリに次のキーを登録するか、"
            "`manage.py demo_otp ユーザー名` で現在のコードを表示してください。"
        )
        width = max(len(user.username) for user in deciders)
        for user in deciders:
            device = give_demo_device(user)
            self.stdout.write(f"  {user.username:<{width}}  {base32_secret(device.key)}")
