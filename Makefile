# Two commands do everything: `make run` (the assistant) and `make test` (every test).
.PHONY: setup train run test bench bench-services bench-actions bench-gateway bench-handoff bench-load bench-retraining tune lint lexicon regions form-rules service-data lock clean

setup:
	@scripts/setup.sh

train: setup
	@scripts/train.sh >/dev/null

run: setup
	@.venv/bin/python scripts/run_stack.py

test: setup
	@scripts/test.sh

bench: setup
	RASA_TELEMETRY_ENABLED=false .venv/bin/python -m benchmarks.nlu_and_turns
	RASA_TELEMETRY_ENABLED=false .venv/bin/python -m benchmarks.service_answers --baseline $(BASELINE)

# the last commit before the service catalogue: the "before" row of bench-services
BASELINE ?= 7329230

bench-services: setup
	RASA_TELEMETRY_ENABLED=false .venv/bin/python -m benchmarks.service_answers --baseline $(BASELINE)

bench-actions: setup
	RASA_TELEMETRY_ENABLED=false .venv/bin/python -m benchmarks.actions_and_bookings

bench-gateway: setup
	RASA_TELEMETRY_ENABLED=false .venv/bin/python -m benchmarks.gateway_latency

bench-handoff: setup
	RASA_TELEMETRY_ENABLED=false .venv/bin/python -m benchmarks.handoff_latency

bench-load: setup
	RASA_TELEMETRY_ENABLED=false .venv/bin/python -m benchmarks.load

bench-retraining: setup
	RASA_TELEMETRY_ENABLED=false .venv/bin/python -m benchmarks.retraining_loop

tune: setup
	.venv/bin/python -m scripts.tune_nlu

lint: setup
	.venv/bin/ruff check .
	.venv/bin/mypy nlu rasa_server actions backend regions calendar_words privacy storage observability service_catalogue bot scripts benchmarks test_support tests

# maintainers: rebuild generated data from resources/ (lexicon and xSID sources: ../shared when present;
# without it the scripts say where to get them, and the generated files stay as committed)
lexicon: setup
	.venv/bin/python scripts/build_lexicon.py

regions: setup
	.venv/bin/python scripts/build_regions.py

form-rules: setup
	.venv/bin/python -m scripts.form_rules

# operators: after editing resources/services/catalogue.yml (checks it, then writes data/nlu/services.yml)
service-data: setup
	.venv/bin/python -m service_catalogue check
	.venv/bin/python -m service_catalogue.training_data

lock: setup
	.venv/bin/pip freeze --exclude-editable > constraints.txt
	.venv-services/bin/pip freeze --exclude-editable > constraints-services.txt

clean:
	rm -rf models var .pytest_cache
