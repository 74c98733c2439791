"""Test-only ML2 mechanism driver that binds every port, so no agent is needed.

Lets a server boot into a real neutron network (ports become ACTIVE) on a stack
that runs no OVS or linuxbridge agent. Registered through the dist-info folder
beside this file (entry point `keyform_bindall`); found via PYTHONPATH.
"""
from neutron_lib import constants
from neutron_lib.api.definitions import portbindings
from neutron_lib.plugins.ml2 import api


class BindAllDriver(api.MechanismDriver):
    def initialize(self):
        pass

    def bind_port(self, context):
        for segment in context.segments_to_bind:
            context.set_binding(
                segment[api.ID],
                portbindings.VIF_TYPE_OVS,
                {portbindings.CAP_PORT_FILTER: False},
                status=constants.PORT_STATUS_ACTIVE,
            )
            return
