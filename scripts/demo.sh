#!/usr/bin/env bash
# `make demo`: migrate, seed, then run the API sandbox, one task worker and the dev server.
# Ctrl-C stops everything this script started.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
py="$root/.venv/bin/python"
export DJANGO_SETTINGS_MODULE=demo.settings.dev
export PASSFAMILLE_SANDBOX_URL="${PASSFAMILLE_SANDBOX_URL:-http://127.0.0.1:8765}"
cd site

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo
  echo "Démo arrêtée."
}
trap cleanup INT TERM EXIT

"$py" manage.py migrate --no-input -v 0
"$py" manage.py seed_demo

if "$py" -c "import wagtail_passfamille.sandbox.__main__" 2>/dev/null; then
  fault=()
  [ -n "${PASSFAMILLE_SANDBOX_FAULT:-}" ] && fault=(--fault "$PASSFAMILLE_SANDBOX_FAULT")
  # The sandbox also serves the FranceConnect stand-in (issuer $PASSFAMILLE_SANDBOX_URL/api/v2),
  # with this site's callback and logout addresses registered, byte for byte.
  "$py" -m wagtail_passfamille.sandbox --host 127.0.0.1 --port 8765 "${fault[@]}" \
    --fc-redirect-uri http://127.0.0.1:8000/passfamille/franceconnect/callback/ \
    --fc-redirect-uri http://localhost:8000/passfamille/franceconnect/callback/ \
    --fc-post-logout-redirect-uri http://127.0.0.1:8000/passfamille/franceconnect/logout/done/ \
    --fc-post-logout-redirect-uri http://localhost:8000/passfamille/franceconnect/logout/done/ &
  pids+=($!)
  sandbox="bac à sable API et FranceConnect : $PASSFAMILLE_SANDBOX_URL"
else
  sandbox="bac à sable API : pas encore disponible"
fi
"$py" manage.py db_worker --queue-name "*" --no-reload &
pids+=($!)

cat <<MSG

  Ville de Démoville est prête.
    site public    : http://127.0.0.1:8000/
    administration : http://127.0.0.1:8000/admin/   (identifiant : admin, mot de passe : ${DEMO_ADMIN_PASSWORD:-demoville})
    $sandbox
  Ctrl-C arrête tout.

MSG
"$py" manage.py runserver 127.0.0.1:8000 --noreload &
pids+=($!)
wait -n "${pids[@]}"
