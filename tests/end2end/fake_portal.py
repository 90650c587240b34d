"""A stand-in for xdg-desktop-portal's GlobalShortcuts interface (version 1 of the spec), for
testing `PortalGlobalKey` where no real portal can run: Debian 12's portal backends need a
running KWin or GNOME Shell to grant and deliver keys.

It is written with GDBus (Gio), as the real xdg-desktop-portal is, not with the QtDBus the app
uses, so the two sides do not share a marshaller's mistakes. Run with Debian's python3 (it
needs python3-gi, which is not in the project virtualenv), on the bus in
DBUS_SESSION_BUS_ADDRESS:
    /usr/bin/python3 fake_portal.py [--no-shortcuts] [--version N]
It owns org.freedesktop.portal.Desktop and prints "ready". With --no-shortcuts it serves the
Desktop object without the GlobalShortcuts interface, as a portal whose backend lacks it does.

Requests and sessions live where the spec puts them
(/org/freedesktop/portal/desktop/request/SENDER/TOKEN, .../session/SENDER/TOKEN), and every
Response is sent after the method's reply, as the real portal does once its dialog is answered.

The test steers it through org.resilience.test.FakePortal at /control:
- Refuse(as ids): BindShortcuts leaves these ids out of its answer (the rep unticked them).
- Answer(s how): how BindShortcuts answers: "grant" (default), "grant-unlisted" (granted,
  but the Response lists nothing, as Plasma 6 answers its dialog), "cancel" (the rep closed
  the dialog: response 1), "hold" (no answer until Release).
- Release(): answer the held BindShortcuts requests, granted.
- Grant(s id): the rep bound shortcut `id` in the desktop's settings afterwards:
  ShortcutsChanged for every session that asked for it.
- Activate(s id): the rep pressed the key of shortcut `id`: Activated for every session bound to it.
- Log() -> as: what the app asked, one line a call ("create SESSION", "bind SESSION ID TRIGGER
  DESCRIPTION", "list SESSION", "close SESSION").
- Sessions() -> as: the sessions open now.
"""

import sys

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

DESKTOP = "/org/freedesktop/portal/desktop"
SHORTCUTS_XML = """
<node>
  <interface name="org.freedesktop.portal.GlobalShortcuts">
    <method name="CreateSession">
      <arg type="a{sv}" name="options" direction="in"/>
      <arg type="o" name="handle" direction="out"/>
    </method>
    <method name="BindShortcuts">
      <arg type="o" name="session_handle" direction="in"/>
      <arg type="a(sa{sv})" name="shortcuts" direction="in"/>
      <arg type="s" name="parent_window" direction="in"/>
      <arg type="a{sv}" name="options" direction="in"/>
      <arg type="o" name="request_handle" direction="out"/>
    </method>
    <method name="ListShortcuts">
      <arg type="o" name="session_handle" direction="in"/>
      <arg type="a{sv}" name="options" direction="in"/>
      <arg type="o" name="request_handle" direction="out"/>
    </method>
    <signal name="Activated">
      <arg type="o" name="session_handle"/>
      <arg type="s" name="shortcut_id"/>
      <arg type="t" name="timestamp"/>
      <arg type="a{sv}" name="options"/>
    </signal>
    <signal name="Deactivated">
      <arg type="o" name="session_handle"/>
      <arg type="s" name="shortcut_id"/>
      <arg type="t" name="timestamp"/>
      <arg type="a{sv}" name="options"/>
    </signal>
    <signal name="ShortcutsChanged">
      <arg type="o" name="session_handle"/>
      <arg type="a(sa{sv})" name="shortcuts"/>
    </signal>
    <property name="version" type="u" access="read"/>
  </interface>
</node>
"""
OTHER_XML = """
<node>
  <interface name="org.freedesktop.portal.Settings">
    <property name="version" type="u" access="read"/>
  </interface>
</node>
"""
SESSION_XML = """
<node>
  <interface name="org.freedesktop.portal.Session">
    <method name="Close"/>
    <signal name="Closed"><arg type="a{sv}" name="details"/></signal>
    <property name="version" type="u" access="read"/>
  </interface>
</node>
"""
CONTROL_XML = """
<node>
  <interface name="org.resilience.test.FakePortal">
    <method name="Refuse"><arg type="as" direction="in"/></method>
    <method name="Answer"><arg type="s" direction="in"/></method>
    <method name="Release"/>
    <method name="Activate"><arg type="s" direction="in"/></method>
    <method name="Grant"><arg type="s" direction="in"/></method>
    <method name="Log"><arg type="as" direction="out"/></method>
    <method name="Sessions"><arg type="as" direction="out"/></method>
  </interface>
</node>
"""


class Portal:
    def __init__(self, bus, version):
        self.bus = bus
        self.version = version
        self.log = []
        self.refused = set()
        self.answer = "grant"
        self.held = []  # (sender, request path, session, shortcuts)
        # session path -> {"owner", "registration", "bound": {id: info}, "asked": {id: info}}
        self.sessions = {}
        self.session_info = Gio.DBusNodeInfo.new_for_xml(SESSION_XML).interfaces[0]

    # -- the portal's side
    def call(self, connection, sender, path, interface, method, params, invocation):
        escaped = sender[1:].replace(".", "_")
        args = params.unpack()
        if method == "CreateSession":
            options = args[0]
            request = f"{DESKTOP}/request/{escaped}/{options.get('handle_token', 'r')}"
            session = f"{DESKTOP}/session/{escaped}/{options.get('session_handle_token', 's')}"
            registration = connection.register_object(
                session, self.session_info, self.session_call, self.get_version, None
            )
            self.sessions[session] = {
                "owner": sender, "registration": registration, "bound": {}, "asked": {},
            }  # fmt: skip
            self.log.append(f"create {session}")
            invocation.return_value(GLib.Variant("(o)", (request,)))
            self.respond(sender, request, 0, {"session_handle": GLib.Variant("s", session)})
            return
        session, options = args[0], args[-1]
        request = f"{DESKTOP}/request/{escaped}/{options.get('handle_token', 'r')}"
        if session not in self.sessions or self.sessions[session]["owner"] != sender:
            invocation.return_dbus_error(
                "org.freedesktop.portal.Error.NotFound", f"no session {session}"
            )
            return
        invocation.return_value(GLib.Variant("(o)", (request,)))
        if method == "BindShortcuts":
            shortcuts = args[1]
            for shortcut_id, info in shortcuts:
                self.log.append(
                    f"bind {session} {shortcut_id} {info.get('preferred_trigger', '-')} "
                    f"{info.get('description', '-')}"
                )
            if self.answer == "hold":
                self.held.append((sender, request, session, shortcuts))
            elif self.answer == "cancel":
                self.respond(sender, request, 1, {})
            else:
                self.grant(sender, request, session, shortcuts)
        elif method == "ListShortcuts":
            self.log.append(f"list {session}")
            bound = self.sessions[session]["bound"]
            self.respond(sender, request, 0, {"shortcuts": self.listing(bound)})

    def grant(self, sender, request, session, shortcuts):
        if session not in self.sessions:
            return
        state = self.sessions[session]
        for shortcut_id, info in shortcuts:
            state["asked"][shortcut_id] = {
                "description": info.get("description", ""),
                "trigger_description": info.get("preferred_trigger", ""),
            }
            if shortcut_id not in self.refused:
                state["bound"][shortcut_id] = state["asked"][shortcut_id]
        bound = state["bound"]
        listed = {} if self.answer == "grant-unlisted" else {"shortcuts": self.listing(bound)}
        self.respond(sender, request, 0, listed)

    @staticmethod
    def entries(bound):
        return [
            (key, {name: GLib.Variant("s", text) for name, text in info.items()})
            for key, info in bound.items()
        ]

    def listing(self, bound):
        return GLib.Variant("a(sa{sv})", self.entries(bound))

    def respond(self, sender, request, code, results):
        def send():
            self.bus.emit_signal(
                sender, request, "org.freedesktop.portal.Request", "Response",
                GLib.Variant("(ua{sv})", (code, results)),
            )  # fmt: skip
            return False

        GLib.idle_add(send)

    def session_call(self, connection, sender, path, interface, method, params, invocation):
        if method == "Close" and path in self.sessions:
            connection.unregister_object(self.sessions.pop(path)["registration"])
            self.log.append(f"close {path}")
        invocation.return_value(None)

    def get_version(self, connection, sender, path, interface, prop):
        return GLib.Variant("u", self.version)

    # -- the test's side
    def control(self, connection, sender, path, interface, method, params, invocation):
        args = params.unpack()
        reply = None
        if method == "Refuse":
            self.refused = set(args[0])
        elif method == "Answer":
            self.answer = args[0]
        elif method == "Release":
            held, self.held = self.held, []
            for item in held:
                self.grant(*item)
        elif method == "Activate":
            for session, state in self.sessions.items():
                if args[0] in state["bound"]:
                    self.bus.emit_signal(
                        state["owner"], DESKTOP, "org.freedesktop.portal.GlobalShortcuts",
                        "Activated", GLib.Variant("(osta{sv})", (session, args[0], 1234, {})),
                    )  # fmt: skip
        elif method == "Grant":
            self.refused.discard(args[0])
            for session, state in self.sessions.items():
                if args[0] in state["asked"]:
                    state["bound"][args[0]] = state["asked"][args[0]]
                    self.bus.emit_signal(
                        state["owner"], DESKTOP, "org.freedesktop.portal.GlobalShortcuts",
                        "ShortcutsChanged",
                        GLib.Variant("(oa(sa{sv}))", (session, self.entries(state["bound"]))),
                    )  # fmt: skip
        elif method == "Log":
            reply = GLib.Variant("(as)", (self.log,))
        elif method == "Sessions":
            reply = GLib.Variant("(as)", (list(self.sessions),))
        invocation.return_value(reply)


def main():
    version = int(sys.argv[sys.argv.index("--version") + 1]) if "--version" in sys.argv else 1
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    portal = Portal(bus, version)
    xml = OTHER_XML if "--no-shortcuts" in sys.argv else SHORTCUTS_XML
    info = Gio.DBusNodeInfo.new_for_xml(xml).interfaces[0]
    bus.register_object(DESKTOP, info, portal.call, portal.get_version, None)
    control = Gio.DBusNodeInfo.new_for_xml(CONTROL_XML).interfaces[0]
    bus.register_object("/control", control, portal.control, None, None)
    loop = GLib.MainLoop()
    Gio.bus_own_name_on_connection(
        bus, "org.freedesktop.portal.Desktop", Gio.BusNameOwnerFlags.NONE,
        lambda *a: print("ready", flush=True), lambda *a: loop.quit(),
    )  # fmt: skip
    loop.run()


if __name__ == "__main__":
    main()
