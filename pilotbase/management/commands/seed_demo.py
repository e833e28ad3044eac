from django.core.management.base import BaseCommand

from pilotbase import registry
from pilotbase.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_core


class Command(BaseCommand):
    help = "创建演示数据：各类单位、专家库、每个角色一个登录账号，以及各阶段的申报（可重复运行）。"

    def handle(self, *args, **options):
        core = seed_core()
        for _order, name, seeder in registry.seeders():
            self.stdout.write(f"  · {name}")
            seeder(core)
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。演示账号（密码均为 %s）：" % DEMO_PASSWORD))
        for _role, username, label in DEMO_LOGINS:
            self.stdout.write(f"  {label:<24} {username}")
