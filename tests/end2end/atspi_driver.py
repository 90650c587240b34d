"""A rep's eyes and hands where xdotool cannot reach (Wayland): the accessibility bus.

Run with Debian's python3 (it needs python3-pyatspi, which is not in the project virtualenv),
inside a session whose bus has an accessibility bus (at-spi-bus-launcher) and with the app
started with QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1:

    /usr/bin/python3 atspi_driver.py APP windows               # JSON: [{"name", "showing"}]
    /usr/bin/python3 atspi_driver.py APP dump WINDOW           # JSON: the window's widgets
    /usr/bin/python3 atspi_driver.py APP tree                  # JSON: every window
    /usr/bin/python3 atspi_driver.py APP listen SECONDS EVENT...  # JSON lines, as they come
    /usr/bin/python3 atspi_driver.py APP press WINDOW BUTTON   # click a button by its name
    /usr/bin/python3 atspi_driver.py APP type WINDOW FIELD TEXT  # set a text field's text

WINDOW is part of a showing window's title, BUTTON and FIELD the accessible names (a form
field is named after its label). Failures print one line to stderr and exit 1.

`listen` hears what a screen reader hears: it prints "listening" once registered, then one
JSON line per event of the app (e.g. "object:announcement", what Qt's
QAccessibleAnnouncementEvent becomes; "object:state-changed:focused", with the focused
object's siblings, which is how a popup menu, absent from the tree, can be read).
"""

import json
import sys

import pyatspi


class NotFound(Exception):
    pass


def application(name):
    desktop = pyatspi.Registry.getDesktop(0)
    for index in range(desktop.childCount):
        app = desktop.getChildAtIndex(index)
        if app is not None and app.name == name:
            return app
    raise NotFound(f"no application named {name!r} on the accessibility bus")


def showing(accessible):
    return accessible.getState().contains(pyatspi.STATE_SHOWING)


def window(app, title):
    for candidate in app:
        if candidate is not None and title.lower() in candidate.name.lower() and showing(candidate):
            return candidate
    names = [w.name for w in app if w is not None]
    raise NotFound(f"no showing window with {title!r} in its title (windows: {names})")


def walk(accessible):
    for index in range(accessible.childCount):
        child = accessible.getChildAtIndex(index)
        if child is None:
            continue
        yield child
        yield from walk(child)


def describe(node):
    """What a screen reader knows of one object: role, name, description, states, and the
    label it is labelled by (how Orca names a combo box or a field)."""
    labels = [
        target.name
        for relation in node.getRelationSet()
        if relation.getRelationType() == pyatspi.RELATION_LABELLED_BY
        for target in (relation.getTarget(i) for i in range(relation.getNTargets()))
        if target is not None
    ]
    states = node.getState()
    return {
        "role": role(node),
        "name": node.name,
        "description": node.description,
        "showing": states.contains(pyatspi.STATE_SHOWING),
        "focusable": states.contains(pyatspi.STATE_FOCUSABLE),
        "focused": states.contains(pyatspi.STATE_FOCUSED),
        "labelled_by": labels,
    }


# The roles the tests read, by AT-SPI's role number (stable: it is ABI), in the words of
# AT-SPI 2.46. Newer releases word some differently (2.56 says "button" for a push button,
# and names the enum value so too); a screen reader hears the same role either way.
ROLE_WORDS = {
    int(pyatspi.ROLE_PUSH_BUTTON): "push button",
    int(pyatspi.ROLE_TOGGLE_BUTTON): "toggle button",
    int(pyatspi.ROLE_CHECK_BOX): "check box",
    int(pyatspi.ROLE_COMBO_BOX): "combo box",
    int(pyatspi.ROLE_MENU_ITEM): "menu item",
    int(pyatspi.ROLE_POPUP_MENU): "popup menu",
    int(pyatspi.ROLE_TEXT): "text",
    int(pyatspi.ROLE_ENTRY): "entry",
    int(pyatspi.ROLE_PARAGRAPH): "paragraph",
    int(pyatspi.ROLE_LABEL): "label",
    int(pyatspi.ROLE_SLIDER): "slider",
}


def role(node):
    """The role in the same words on every AT-SPI release (see ROLE_WORDS)."""
    return ROLE_WORDS.get(int(node.getRole()), node.getRoleName())


def find(root, name, roles):
    wanted = name.replace("&", "").lower()
    seen = []
    for node in walk(root):
        role_name = role(node)
        if role_name in roles:
            seen.append(node.name)
            if node.name.replace("&", "").lower() == wanted:
                return node
    raise NotFound(f"no {'/'.join(roles)} named {name!r} (found: {seen})")


def listen(app_name, seconds, events):
    from gi.repository import GLib

    def heard(event):
        source = event.source
        try:
            if source is None or source.getApplication().name != app_name:
                return
            line = {
                "type": event.type,
                "detail1": event.detail1,
                "data": event.any_data if isinstance(event.any_data, str) else None,
                "source": describe(source),
            }
            parent = source.parent
            if parent is not None:
                line["parent"] = describe(parent)
                line["siblings"] = [
                    describe(parent.getChildAtIndex(i)) for i in range(parent.childCount)
                ]
        except Exception as exc:  # an object gone while it was read: say so, go on
            line = {"type": event.type, "error": str(exc)}
        print(json.dumps(line), flush=True)

    for name in events:
        pyatspi.Registry.registerEventListener(heard, name)
    GLib.timeout_add(int(seconds * 1000), pyatspi.Registry.stop)
    print("listening", flush=True)
    pyatspi.Registry.start()


def main(argv):
    app_name, command, *args = argv
    app = application(app_name)
    if command == "windows":
        result = [{"name": w.name, "showing": showing(w)} for w in app if w is not None]
    elif command == "dump":
        result = [describe(n) for n in walk(window(app, args[0]))]
    elif command == "tree":
        # Every top-level object of the app (windows, and popup menus, which have no
        # title), each with what is inside it.
        result = [
            {**describe(top), "children": [describe(n) for n in walk(top)]}
            for top in app
            if top is not None
        ]
    elif command == "listen":
        listen(app_name, float(args[0]), args[1:])
        return
    elif command == "press":
        button = find(window(app, args[0]), args[1], {"push button", "check box", "toggle button"})
        button.queryAction().doAction(0)
        result = {"pressed": button.name}
    elif command == "type":
        field = find(window(app, args[0]), args[1], {"text", "entry", "paragraph"})
        field.queryEditableText().setTextContents(args[2])
        result = {"typed": field.name}
    else:
        raise NotFound(f"unknown command {command!r}")
    print(json.dumps(result))


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except NotFound as exc:
        print(f"atspi_driver: {exc}", file=sys.stderr)
        sys.exit(1)
