{% if m.subscription_id %}

# The blueprint names subscription {{ m.subscription_id }}: nothing is created in another one.
if [ "$(az account show --query id --output tsv)" != {{ m.subscription_id }} ]; then
  echo "Signed in to another subscription; first run: az account set --subscription {{ m.subscription_id }}" >&2
  exit 1
fi
{% endif %}
