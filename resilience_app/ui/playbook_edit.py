"""The chosen playbook entry's other parts, under its answer in the Playbook tab: its tags
(the standard ones translated, and the rep's own), "Merge with…" (the same question said
differently, picked in a small dialog by its words) and "Talk it over with a colleague…"
(a follow-up linked to the entry), with what is planned.

Views only: they say through signals what the rep asked for; the presenter asks the
service and hands back the entries, the talk planned, or a refusal as a sentence (what the
rep chose stays as chosen then, nothing is lost).

From the keyboard: Tab walks the tag boxes, the own tags, Save tags, Merge with… and Talk it
over; in the dialog, the search, the list, Merge and Cancel (Escape closes it).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from resilience_app import i18n
from resilience_app.core import texts
from resilience_app.core.models import FollowUp, FollowUpState
from resilience_app.core.playbook import TAGS, PlaybookEntry
from resilience_app.i18n import _
from resilience_app.ui import titles


def talk_text(talk: FollowUp | None) -> str:
    """What is planned to talk an entry over ("" if nothing)."""
    if talk is None:
        return ""
    if talk.state is FollowUpState.DONE:
        # Translators: a playbook entry was talked over with a colleague (a follow-up done).
        return _("Talk it over: done")
    # Translators: {when} is the day and time the rep plans to talk an entry over.
    return _("Talk it over: planned for {when}").format(when=i18n.format_datetime(talk.due_at))


class EntryActions(QWidget):
    """Tags, merge and talk it over, for the entry chosen in the tab."""

    tags_saved = Signal(str, list)  # entry id, every tag it should have now
    merge_wanted = Signal(str)  # entry id: pick the one to merge into it
    talk_wanted = Signal(str)  # entry id: plan to talk it over

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._entry_id: str | None = None
        # Translators: before the tags of a playbook entry, as check boxes.
        title = QLabel(_("Tags:"))
        self.tag_boxes: dict[str, QCheckBox] = {}
        boxes = QGridLayout()
        boxes.addWidget(title, 0, 0, 1, 3)
        for n, tag in enumerate(TAGS):
            box = QCheckBox(texts.playbook_tag(tag))
            # Translators: {tag} is a playbook tag ("price"), for screen readers.
            box.setAccessibleName(_("Tag: {tag}").format(tag=texts.playbook_tag(tag)))
            self.tag_boxes[tag] = box
            boxes.addWidget(box, 1 + n // 3, n % 3)
        self.own_tags = QLineEdit()
        self.own_tags.setPlaceholderText(_("Your own tags, with commas between"))
        self.own_tags.setAccessibleName(_("Your own tags"))
        self.save_tags = QPushButton(_("Save &tags"))
        self.merge_button = QPushButton(_("&Merge with…"))
        self.merge_button.setToolTip(_("The same question said differently: make them one"))
        self.talk_button = QPushButton(_("Talk it &over with a colleague…"))
        self.talk_button.setToolTip(
            _("A follow-up to talk it over, the next working morning (move it in Upcoming)")
        )
        self.talk_status = QLabel()
        self.talk_status.setProperty("role", "muted")
        self.talk_status.setWordWrap(True)
        own = QHBoxLayout()
        own.addWidget(self.own_tags, 1)
        own.addWidget(self.save_tags)
        more = QHBoxLayout()
        more.addWidget(self.talk_status, 1)
        more.addWidget(self.merge_button)
        more.addWidget(self.talk_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(boxes)
        layout.addLayout(own)
        layout.addLayout(more)
        chain: list[QWidget] = [*self.tag_boxes.values(), self.own_tags, self.save_tags]
        chain += [self.merge_button, self.talk_button]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        self.own_tags.returnPressed.connect(self._save_tags)
        self.save_tags.clicked.connect(self._save_tags)
        self.merge_button.clicked.connect(lambda: self._ask(self.merge_wanted))
        self.talk_button.clicked.connect(lambda: self._ask(self.talk_wanted))

    def first(self) -> QWidget:
        return next(iter(self.tag_boxes.values()))

    def show_entry(self, entry: PlaybookEntry, talk: FollowUp | None, *, fresh: bool) -> None:
        """The entry's tags (when `fresh`: newly chosen; else what the rep ticked and typed
        stays) and what is planned to talk it over."""
        self._entry_id = entry.id
        if fresh:
            for tag, box in self.tag_boxes.items():
                box.setChecked(tag in entry.tags)
            self.own_tags.setText(", ".join(t for t in entry.tags if t not in TAGS))
        self.talk_status.setText(talk_text(talk))

    def wanted_tags(self) -> list[str]:
        chosen = [tag for tag, box in self.tag_boxes.items() if box.isChecked()]
        return chosen + [t.strip() for t in self.own_tags.text().split(",") if t.strip()]

    def _save_tags(self) -> None:
        if self._entry_id is not None:
            self.tags_saved.emit(self._entry_id, self.wanted_tags())

    def _ask(self, signal: Signal) -> None:
        if self._entry_id is not None:
            signal.emit(self._entry_id)  # type: ignore[attr-defined]


class MergeDialog(QDialog):
    """Pick the entry that is the same question as `keep`, said differently."""

    search_changed = Signal(str)
    merge_chosen = Signal(str, str)  # the entry kept, the one merged into it

    def __init__(
        self,
        keep: PlaybookEntry,
        describe: Callable[[PlaybookEntry], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.keep = keep
        self._describe = describe  # an entry as the list shows it
        # Translators: the title of the dialog that merges two playbook entries.
        self.setWindowTitle(titles.title(_("Merge with…")))
        # Translators: {said} is what a customer said, in the rep's words; keep the
        # quotation marks of your language around it.
        intro = QLabel(
            _(
                "The same question said differently as “{said}”? Pick it: both become one "
                "entry, with every wording, call, tag and answer of both."
            ).format(said=keep.said)
        )
        intro.setWordWrap(True)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search by their words"))
        self.search.setAccessibleName(_("Search for the entry to merge with"))
        self.choices = QListWidget()
        self.choices.setWordWrap(True)
        self.choices.setAccessibleName(_("Entries to merge with"))
        self.status = QLabel()
        self.status.setProperty("role", "muted")
        self.status.setWordWrap(True)
        self.merge_button = QPushButton(_("&Merge"))
        self.merge_button.setProperty("role", "primary")
        self.merge_button.setEnabled(False)
        cancel = QPushButton(_("Cancel"))
        for button in (self.merge_button, cancel):
            # Return in the search goes on to the list, and in the list merges the one
            # chosen: no button of the dialog takes it first.
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.merge_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.search)
        layout.addWidget(self.choices, 1)
        layout.addLayout(buttons)
        for first, second in (
            (self.search, self.choices),
            (self.choices, self.merge_button),
            (self.merge_button, cancel),
        ):
            QWidget.setTabOrder(first, second)
        self.search.textChanged.connect(self.search_changed.emit)
        self.search.returnPressed.connect(self._from_search)
        self.choices.currentItemChanged.connect(
            lambda _item, _previous: self.merge_button.setEnabled(self.chosen() is not None)
        )
        self.choices.itemActivated.connect(lambda _item: self._merge())
        self.merge_button.clicked.connect(self._merge)
        cancel.clicked.connect(self.reject)

    def chosen(self) -> str | None:
        item = self.choices.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def show_entries(self, entries: list[PlaybookEntry]) -> None:
        """The entries found, less the one kept; the first is chosen."""
        self.choices.clear()
        for entry in entries:
            if entry.id == self.keep.id:
                continue
            item = QListWidgetItem(self._describe(entry))
            item.setData(Qt.ItemDataRole.UserRole, entry.id)
            self.choices.addItem(item)
        if self.choices.count():
            self.choices.setCurrentRow(0)
        else:
            self.choices.addItem(QListWidgetItem(_("Nothing matches that search.")))
            self.choices.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        self.merge_button.setEnabled(self.chosen() is not None)

    def show_status(self, message: str) -> None:
        self.status.setText(message)

    def _from_search(self) -> None:
        if self.chosen() is not None:
            self.choices.setFocus()

    def _merge(self) -> None:
        gone = self.chosen()
        if gone is not None:
            self.merge_chosen.emit(self.keep.id, gone)
