#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mi_coding.settings")
    from mi_coding import secret_key

    # Local use needs no configuration: the first command creates var/secret_key.
    secret_key.main()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
