"""One module per `nianbao` subcommand; each exposes `register(subparsers)`.

Command modules import their heavy dependencies (Prefect, Scrapy, boto3) inside the function that
runs the command, so that `nianbao parse` and `--help` stay fast.
"""
