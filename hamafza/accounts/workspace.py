"""What the accounts app tells the role workspaces (core.workspace): the user's city roles as
audiences and their cities for the city switcher; helpers the panels of higher apps use to scope
their reads to the roles' cities (and the city chosen in the switcher)."""

from hamafza.accounts.rules import roles_of


def workspace_context(ws) -> None:
    """``hooks.workspace_context``: every city role is an audience; its city joins the switcher."""
    for role in roles_of(ws.user):
        ws.audiences.add(role.role)
        ws.cities.append(role.city)


def role_city_ids(ws, *role_names) -> set[int]:
    """Ids of the cities where the user holds one of ``role_names``, narrowed to the chosen city."""
    return {r.city_id for r in roles_of(ws.user) if r.role in role_names and ws.in_city(r.city_id)}


def role_unit_ids(ws, *role_names) -> set[int]:
    """Ids of the units of the user's ``role_names`` roles (unit staff), narrowed to the chosen city."""
    return {r.unit_id for r in roles_of(ws.user) if r.role in role_names and r.unit_id and ws.in_city(r.city_id)}


def role_cities(ws, *role_names) -> list:
    """The cities (objects) of the user's ``role_names`` roles, narrowed to the chosen city, by name."""
    found = {r.city_id: r.city for r in roles_of(ws.user) if r.role in role_names and ws.in_city(r.city_id)}
    return sorted(found.values(), key=lambda c: c.name)
