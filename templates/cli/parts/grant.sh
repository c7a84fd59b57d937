{#- A role assignment that is made once: counted first, created only when missing (az role
    assignment create would add a second one under another name). `principal` and `scope` are
    shell words as the caller writes them; `kind` is ServicePrincipal or Group. -#}
{% macro grant(principal, kind, role, scope) -%}
ASSIGNED="$(az role assignment list --assignee {{ principal }} --role {{ role }} --scope {{ scope }} --query 'length(@)' --output tsv)"
if [ "${ASSIGNED}" = "0" ]; then
  az role assignment create \
    --assignee-object-id {{ principal }} \
    --assignee-principal-type {{ kind }} \
    --role {{ role }} \
    --scope {{ scope }} \
    --output none
fi
{%- endmacro %}
