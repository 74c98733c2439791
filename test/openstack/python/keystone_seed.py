"""Writes many keyform-managed tenants straight into a Keystone database, in one transaction.

keystone_seed.py CONFIG_FILE RECORDS_FILE

Benchmarks need Keystones with 10,000 and more tenants; through the API that is ~25
writes/s (hours). This writes the same rows Keystone's own managers write for the same
API calls, with Keystone's SQL models and session (so the schema is Zed's own), as bulk
inserts: ~1 minute for 10,000 tenants. RECORDS_FILE (JSON) names what to write, ids of
existing objects resolved by the caller through the API:

  {"domain_id": "...", "user_domain_id": "default",
   "users": ["euid", ...],                          # made unless the name exists
   "projects": [[name, description, enabled, [tags]], ...],
   "groups": [[name, description], ...],
   "assignments": [[group_index, project_index, role_id], ...],
   "memberships": [[group_index, euid], ...],
   "limits": [[project_index, registered_limit_id, value, description], ...]}

Projects and groups go into `domain_id`; users into `user_domain_id`. A row that clashes
(a name taken) fails the transaction and nothing is written. The ids resolved through the API
must name objects of THIS database: if the API calls reached another Keystone (one that
answered on the port meant for this one), the script exits 2 with nothing written; rows
pointing at a domain or registered limit missing from this file would look seeded until
Keystone restarts on it. Prints one JSON line of counts.
Run with /usr/bin/python3 (Debian's python3-keystone).
"""
import datetime
import json
import sys
import uuid

import keystone.conf
from keystone.assignment.backends.sql import RoleAssignment
from keystone.assignment.role_backends.sql_model import RoleTable
from keystone.common import sql
from keystone.identity.backends.sql_model import Group, LocalUser, User, UserGroupMembership
from keystone.limit.backends.sql import LimitModel, RegisteredLimitModel
from keystone.resource.backends.sql_model import Project, ProjectTag

config_file, records_file = sys.argv[1], sys.argv[2]
CONF = keystone.conf.CONF
keystone.conf.configure()
CONF(args=[], project="keystone", default_config_files=[config_file])
sql.initialize()

with open(records_file, encoding="utf-8") as f:
    records = json.load(f)

domain_id = records["domain_id"]
user_domain_id = records["user_domain_id"]


def new_id():
    # Keystone's own ids for these objects: uuid4 as 32 hex digits.
    return uuid.uuid4().hex


def insert(session, model, rows):
    if rows:
        session.execute(model.__table__.insert(), rows)


def missing_referents(session):
    """What the records name by id that this database does not hold, as `kind id` strings."""
    domains = {domain_id, user_domain_id}
    found = {i for (i,) in session.query(Project.id).filter(Project.is_domain.is_(True), Project.id.in_(domains))}
    roles = {role for _g, _p, role in records["assignments"]}
    found |= {i for (i,) in session.query(RoleTable.id).filter(RoleTable.id.in_(roles))}
    registered = {r for _p, r, _v, _d in records["limits"]}
    found |= {i for (i,) in session.query(RegisteredLimitModel.id).filter(RegisteredLimitModel.id.in_(registered))}
    wanted = [("domain", i) for i in sorted(domains)] + [("role", i) for i in sorted(roles)] + [("registered limit", i) for i in sorted(registered)]
    return [f"{kind} {i}" for kind, i in wanted if i not in found]


with sql.session_for_write() as session:
    missing = missing_referents(session)
    if missing:
        print(
            f"keystone_seed.py: {', '.join(missing)} (made or found through the API) not in the database of {config_file}: "
            "the API calls reached another Keystone than the one on this database (another process on its port?); nothing written",
            file=sys.stderr,
        )
        sys.exit(2)
    # Users: as POST /v3/users {name, domain_id} writes them (a user row, a local_user row,
    # no password). Existing names are kept, so users are shared between seeds.
    existing = dict(
        session.query(LocalUser.name, LocalUser.user_id).filter(LocalUser.domain_id == user_domain_id).all()
    )
    now = datetime.datetime.utcnow()
    user_ids = dict(existing)
    new_users = [name for name in dict.fromkeys(records["users"]) if name not in existing]
    for name in new_users:
        user_ids[name] = new_id()
    insert(session, User, [
        {"id": user_ids[n], "domain_id": user_domain_id, "enabled": True, "extra": {}, "default_project_id": None, "created_at": now}
        for n in new_users
    ])
    insert(session, LocalUser, [
        {"user_id": user_ids[n], "domain_id": user_domain_id, "name": n, "failed_auth_count": 0} for n in new_users
    ])

    # Projects: as POST /v3/projects with a domain_id: the domain is also the parent.
    project_ids = [new_id() for _ in records["projects"]]
    insert(session, Project, [
        {"id": pid, "name": name, "domain_id": domain_id, "parent_id": domain_id, "is_domain": False,
         "description": description, "enabled": enabled, "extra": {}}
        for pid, (name, description, enabled, _tags) in zip(project_ids, records["projects"])
    ])
    insert(session, ProjectTag, [
        {"project_id": pid, "name": tag}
        for pid, (_n, _d, _e, tags) in zip(project_ids, records["projects"]) for tag in tags
    ])

    group_ids = [new_id() for _ in records["groups"]]
    insert(session, Group, [
        {"id": gid, "domain_id": domain_id, "name": name, "description": description, "extra": {}}
        for gid, (name, description) in zip(group_ids, records["groups"])
    ])
    insert(session, RoleAssignment, [
        {"type": "GroupProject", "actor_id": group_ids[g], "target_id": project_ids[p], "role_id": role, "inherited": False}
        for g, p, role in records["assignments"]
    ])
    insert(session, UserGroupMembership, [
        {"user_id": user_ids[euid], "group_id": group_ids[g]} for g, euid in records["memberships"]
    ])
    insert(session, LimitModel, [
        {"id": new_id(), "project_id": project_ids[p], "domain_id": None, "registered_limit_id": registered,
         "resource_limit": value, "description": description}
        for p, registered, value, description in records["limits"]
    ])

print(json.dumps({
    "users": len(new_users), "projects": len(project_ids), "groups": len(group_ids),
    "assignments": len(records["assignments"]), "memberships": len(records["memberships"]),
    "limits": len(records["limits"]),
}))
