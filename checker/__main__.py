from checker.cli.main import run

run()
