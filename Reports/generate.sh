#!/usr/bin/env bash
# Regenerates the example reports in Reports/ from Datasets/ (run from anywhere):
#   bash Reports/generate.sh
# The output is deterministic: the same osstats and the same data give the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product osstats >&2
osstats=".build/debug/osstats"
# aml: R's acute myelogenous leukaemia data (times in weeks), maintained vs not maintained.
"$osstats" report Datasets/aml.csv --group x --experimental Maintained --time-unit weeks --landmarks 12,24,36 \
  --output Reports/aml-primary.html
# The simulated 73-patient cohort (simulated data, not trial results): primary-endpoint report
# in HTML, Markdown (with its SVG plots) and JSON, and the termination analysis against the
# assumed design in Datasets/design_simulated_trial.json.
"$osstats" report Datasets/simulated_trial_73.csv --group arm --strata stratum --experimental salvage+dexamethasone \
  --output Reports/simulated-73-primary.html
"$osstats" report Datasets/simulated_trial_73.csv --group arm --strata stratum --experimental salvage+dexamethasone \
  --output Reports/simulated-73-primary.md
"$osstats" report Datasets/simulated_trial_73.csv --group arm --strata stratum --experimental salvage+dexamethasone \
  --output Reports/simulated-73-primary.json
"$osstats" report Datasets/simulated_trial_73.csv --group arm --design Datasets/design_simulated_trial.json \
  --kind termination --output Reports/simulated-73-termination.html
# The simulated cohort's simulated first events (relapse vs death without relapse) beside OS.
"$osstats" report Datasets/simulated_trial_73_competing.csv --group arm --experimental salvage+dexamethasone \
  --competing first_event --competing-time first_event_time --output Reports/simulated-73-competing.html
echo "Reports written to Reports/" >&2
