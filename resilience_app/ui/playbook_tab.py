"""The journal's Playbook tab: what customers said that the rep could not answer, in their
words, and the answer the rep wrote since (its earlier wordings kept by the service).

A view only, like the window it sits in: it shows the entries it is given and says through
signals what the rep asked for (a search as they type, an answer to keep).

From the keyboard: Tab walks search, list, answer and Save in that order; Alt+S saves.
Then the entry's tags, Merge with… and Talk it over (`playbook_edit.py`).
"""

from __future__ import annotations

import functools
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from resilience_app import i18n
from resilience_app.core import texts
from resilience_app.core.models import FollowUp
from resilience_app.core.playbook import PlaybookEntry
from resilience_app.i18n import _, ngettext
from resilience_app.ui.playbook_edit import EntryActions, MergeDialog, talk_text


@functools.lru_cache(maxsize=512)
def _day(day: date, language: str) -> str:
    """A day as the language writes it (babel is slow for thousands of rows; `language`
    keys the cache, so a new language writes them afresh)."""
    return i18n.format_date(day)


def entry_text(entry: PlaybookEntry, talk: FollowUp | None = None) -> str:
    """An entry as the list shows it: their words, then my answer, then the rest."""
    # Translators: {said} is what a customer said, in the rep's words; keep the quotation
    # marks of your language around it.
    lines = [_("“{said}”").format(said=entry.said)]
    lines.append(entry.answer.replace("\n", " ") if entry.answer else _("No answer yet"))
    bits = [", ".join(texts.playbook_tag(t) for t in entry.tags)] if entry.tags else []
    # Translators: how often the same question came up (on the calls linked to it).
    n = entry.times
    bits.append(ngettext("came up {n} time", "came up {n} times", n).format(n=n))
    if entry.practised_at is not None:
        when = _day(entry.practised_at.astimezone().date(), i18n.language())
        # Translators: {date} is a day, e.g. "Nov 25, 2026".
        bits.append(_("last practiced {date}").format(date=when))
    else:
        bits.append(_("not practiced yet"))
    if talk is not None:
        bits.append(talk_text(talk))
    lines.append(" · ".join(bits))
    if entry.also_said:
        # Translators: before the other wordings of the same question (merged entries).
        lines.append(_("also said:") + " " + " / ".join(f"“{s}”" for s in entry.also_said))
    return "\n".join(lines)


class PlaybookTab(QWidget):
    search_changed = Signal(str)  # what the rep typed in the search, as they type
    answer_saved = Signal(str, str)  # entry id, the answer as the rep would say it now
    practise_requested = Signal()  # "Practise my answers"
    tags_saved = Signal(str, list)  # entry id, every tag it should have now
    merge_wanted = Signal(str)  # entry id: pick the one said differently (`merge_dialog`)
    talk_wanted = Signal(str)  # entry id: plan to talk it over with a colleague

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        intro = QLabel(
            _(
                "What customers said that you couldn't answer, in their words, and the "
                "answers you found since. Only you see this."
            )
        )
        intro.setWordWrap(True)
        intro.setProperty("role", "muted")
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search your playbook"))
        self.search.setAccessibleName(_("Search your playbook"))
        self.search.setClearButtonEnabled(True)
        self.setFocusProxy(self.search)  # opened on this tab, the keys are in the search
        for button in self.search.findChildren(QToolButton):
            button.setAccessibleName(_("Clear"))
        self.entry_list = QListWidget()
        self.entry_list.setWordWrap(True)
        self.entry_list.setSpacing(2)
        self.entry_list.setAlternatingRowColors(True)
        # Rows of different heights measured a batch at a time, between events: a search
        # over thousands of entries answers the key at once (~25 ms for 5,000 offscreen,
        # ~150 ms when laid out all at once).
        self.entry_list.setLayoutMode(QListView.LayoutMode.Batched)
        self.entry_list.setBatchSize(100)
        self.entry_list.setAccessibleName(_("Your playbook"))
        # Rows wrap to the width; a very long one ends in "…" rather than scrolling sideways.
        self.entry_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.entry_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.answer_title = QLabel(_("Your answer, as you would say it now:"))
        self.answer_edit = QPlainTextEdit()
        self.answer_edit.setTabChangesFocus(True)  # Tab moves on to Save
        # A few lines of answer in sight; it scrolls for a longer one.
        self.answer_edit.setMinimumHeight(self.answer_edit.fontMetrics().lineSpacing() * 3 + 12)
        self.answer_edit.setAccessibleName(_("Your answer"))
        self.answer_title.setBuddy(self.answer_edit)
        self.earlier = QLabel()
        self.earlier.setProperty("role", "muted")
        self.earlier.setWordWrap(True)
        self.save_button = QPushButton(_("&Save answer"))
        self.save_button.setProperty("role", "primary")
        self.save_button.setToolTip(_("Keep this answer; the earlier wording is kept too"))
        self.status = QLabel()
        self.status.setProperty("role", "muted")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.earlier, 1)
        buttons.addWidget(self.save_button)
        self.answer_box = QWidget()
        box = QVBoxLayout(self.answer_box)
        box.setContentsMargins(0, 6, 0, 0)
        box.addWidget(self.answer_title)
        box.addWidget(self.answer_edit, 1)
        box.addLayout(buttons)
        self.actions = EntryActions()
        box.addWidget(self.actions)
        # The chosen entry's part scrolls when the window is small or the text large.
        self.detail = QScrollArea()
        self.detail.setWidgetResizable(True)
        self.detail.setFrameShape(QFrame.Shape.NoFrame)
        self.detail.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to what is in it
        self.detail.setWidget(self.answer_box)
        # In the colours of the tab around it (a scroll area paints its page in the
        # desktop's light palette, whatever the theme).
        self.answer_box.setAutoFillBackground(False)
        self.detail.viewport().setAutoFillBackground(False)
        self.answer_box.hide()
        self.detail.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.search)
        # The list above, the chosen entry below it, half each (the rep can move
        # the line between them).
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(self.entry_list)
        self.split.addWidget(self.detail)
        self.split.setStretchFactor(0, 1)
        self.split.setStretchFactor(1, 1)
        layout.addWidget(self.split, 1)
        layout.addWidget(self.status)
        self.practise_button = QPushButton(_("Practice my &answers"))
        self.practise_button.setToolTip(_("A few cards: recall first, then look"))
        self.practise_button.clicked.connect(self.practise_requested.emit)
        layout.addWidget(self.practise_button, 0, Qt.AlignmentFlag.AlignLeft)
        for first, second in (
            (self.search, self.entry_list),
            (self.entry_list, self.answer_edit),
            (self.answer_edit, self.save_button),
            (self.save_button, self.actions.first()),
        ):
            QWidget.setTabOrder(first, second)
        self._entries: dict[str, PlaybookEntry] = {}
        self._talks: dict[str, FollowUp] = {}
        # Each row of the list: its number, and the entry and talk it was written from.
        self._rows: dict[str, tuple[int, PlaybookEntry, FollowUp | None]] = {}
        self._hidden: set[str] = set()  # the rows a search hides
        self.actions.tags_saved.connect(self.tags_saved.emit)
        self.actions.merge_wanted.connect(self.merge_wanted.emit)
        self.actions.talk_wanted.connect(self.talk_wanted.emit)
        self.search.textChanged.connect(self.search_changed.emit)
        self.entry_list.currentItemChanged.connect(lambda _item, _previous: self._chosen())
        self.save_button.clicked.connect(self._save)

    def selected(self) -> str | None:
        item = self.entry_list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def select(self, entry_id: str) -> bool:
        """Choose the entry (if it is in the list) and put the keys in its answer box."""
        for row in range(self.entry_list.count()):
            item = self.entry_list.item(row)
            shown = not self.entry_list.isRowHidden(row)  # not searched away
            if shown and item.data(Qt.ItemDataRole.UserRole) == entry_id:
                self.entry_list.setCurrentItem(item)
                self.entry_list.scrollToItem(item)
                self.answer_edit.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return False

    def show_entries(
        self, entries: list[PlaybookEntry], talks: dict[str, FollowUp] | None = None
    ) -> None:
        """The entries found (the one selected stays selected, its answer as typed), each
        with the talk it over planned for it (`talks`, by entry id). A search that narrows
        the list hides the rows that went instead of laying thousands out again."""
        selected = self.selected()
        talks = talks or {}
        self.entry_list.blockSignals(True)
        if not self._narrowed(entries, talks):
            self._rebuild(entries, talks, selected)
        self._entries = {e.id: e for e in entries}
        self._talks = talks
        if selected is not None and selected not in self._entries:
            self.entry_list.setCurrentRow(-1)
        self.entry_list.blockSignals(False)
        if self.selected() != selected:
            self._chosen()  # the one selected is gone (searched away or merged)
        elif selected is not None:
            self._show_earlier(self._entries[selected])
            self.actions.show_entry(self._entries[selected], self._talks.get(selected), fresh=False)

    def _narrowed(self, entries: list[PlaybookEntry], talks: dict[str, FollowUp]) -> bool:
        """Shown by hiding rows, if every entry is in the list already, unchanged and in
        the same order."""
        rows = self._rows
        if not entries or not rows:
            return False
        last = -1
        for entry in entries:
            row = rows.get(entry.id)
            if row is None or row[0] <= last or row[1] != entry or row[2] != talks.get(entry.id):
                return False
            last = row[0]
        wanted = {e.id for e in entries}
        for entry_id, (number, _entry, _talk) in rows.items():
            hide = entry_id not in wanted
            if hide != (entry_id in self._hidden):
                self.entry_list.setRowHidden(number, hide)
                (self._hidden.add if hide else self._hidden.discard)(entry_id)
        return True

    def _rebuild(
        self, entries: list[PlaybookEntry], talks: dict[str, FollowUp], selected: str | None
    ) -> None:
        self.entry_list.clear()
        self._rows = {}
        self._hidden = set()
        if not entries:
            placeholder = QListWidgetItem(
                _("Nothing matches that search.")
                if self.search.text().strip()
                else _("Nothing in your playbook yet.")
            )
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.entry_list.addItem(placeholder)
        for number, entry in enumerate(entries):
            talk = talks.get(entry.id)
            item = QListWidgetItem(entry_text(entry, talk))
            item.setData(Qt.ItemDataRole.UserRole, entry.id)
            self.entry_list.addItem(item)
            self._rows[entry.id] = (number, entry, talk)
            if entry.id == selected:
                self.entry_list.setCurrentItem(item)

    def shown_rows(self) -> list[str]:
        """The rows' texts as the rep sees them (the hidden ones left out)."""
        return [
            self.entry_list.item(row).text()
            for row in range(self.entry_list.count())
            if not self.entry_list.isRowHidden(row)
        ]

    def _chosen(self) -> None:
        entry = self._entries.get(self.selected() or "")
        self.status.clear()
        if entry is None:
            self.answer_box.hide()
            self.detail.hide()
            return
        self.answer_edit.setPlainText(entry.answer)
        self._show_earlier(entry)
        self.actions.show_entry(entry, self._talks.get(entry.id), fresh=True)
        self.answer_box.show()
        if self.detail.isHidden():
            self.detail.show()
            # Half for the list, half for the entry: a few rows stay in sight above it.
            total = sum(self.split.sizes())
            if total > 0:
                self.split.setSizes([total // 2, total - total // 2])

    def _show_earlier(self, entry: PlaybookEntry) -> None:
        n = len(entry.earlier)
        self.earlier.setText(
            # Translators: the answers an entry had before the one shown, kept.
            ngettext("{n} earlier wording kept", "{n} earlier wordings kept", n).format(n=n)
            if n
            else ""
        )
        self.earlier.setToolTip("\n\n".join(w.text for w in entry.earlier))

    def _save(self) -> None:
        chosen = self.selected()
        if chosen:
            self.answer_saved.emit(chosen, self.answer_edit.toPlainText())

    def show_status(self, message: str) -> None:
        self.status.setText(message)

    def merge_dialog(self, keep_id: str) -> MergeDialog | None:
        """The dialog to pick the entry to merge into `keep_id` (the presenter fills it)."""
        keep = self._entries.get(keep_id)
        if keep is None:
            return None
        dialog = MergeDialog(keep, lambda e: entry_text(e, self._talks.get(e.id)), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        return dialog
