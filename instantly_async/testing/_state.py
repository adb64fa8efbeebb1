"""The fake workspace: campaigns, subsequences and the facts the API hides.

Records are kept as the exact JSON dicts the API returns, so answering a read
is one ``json.dumps`` of a stored dict.  Ids are kept in sorted lists next to
the dicts; cursor pages are a bisect plus a short scan.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator
from typing import Any

from ._ids import IdFactory, iso_timestamp

__all__ = ["JSONObj", "Store", "page"]

JSONObj = dict[str, Any]


class _SortedIds:
    __slots__ = ("ids",)

    def __init__(self) -> None:
        self.ids: list[str] = []

    def add(self, key: str) -> None:
        ids = self.ids
        if not ids or key > ids[-1]:
            ids.append(key)
            return
        i = bisect.bisect_left(ids, key)
        if i == len(ids) or ids[i] != key:
            ids.insert(i, key)

    def discard(self, key: str) -> None:
        ids = self.ids
        i = bisect.bisect_left(ids, key)
        if i < len(ids) and ids[i] == key:
            del ids[i]

    def rebuild(self, keys: Iterator[str]) -> None:
        self.ids = sorted(keys)


class Store:
    """State of one fake workspace (every API key and request share it)."""

    def __init__(self) -> None:
        self.ids = IdFactory()
        self.clear()

    def clear(self) -> None:
        """Forget every record and hidden fact (ids keep increasing)."""
        self.organization_id = self.ids.new()
        self.workspace_id = self.ids.new()
        self.campaigns: dict[str, JSONObj] = {}
        self.subsequences: dict[str, JSONObj] = {}
        self._campaign_index = _SortedIds()
        self._subsequence_index = _SortedIds()
        self._subsequences_by_parent: dict[str, _SortedIds] = {}
        # Facts that exist server-side but never appear in the Campaign JSON.
        self.campaign_tags: dict[str, set[str]] = {}
        self.leads_by_email: dict[str, set[str]] = {}
        self.leads_by_campaign: dict[str, set[str]] = {}
        self.launched: set[str] = set()
        self.shared_until: dict[str, float] = {}

    # -- clock and ids -------------------------------------------------------

    def new_id(self) -> str:
        return self.ids.new()

    @staticmethod
    def now() -> str:
        return iso_timestamp()

    # -- campaigns -------------------------------------------------------------

    def put_campaign(self, campaign: JSONObj) -> JSONObj:
        campaign_id = campaign["id"]
        self.campaigns[campaign_id] = campaign
        self._campaign_index.add(campaign_id)
        if campaign.get("status", 0) != 0:
            self.launched.add(campaign_id)
        return campaign

    def delete_campaign(self, campaign_id: str) -> JSONObj:
        campaign = self.campaigns.pop(campaign_id)
        self._campaign_index.discard(campaign_id)
        for sub_id in list(self._children(campaign_id)):
            self.delete_subsequence(sub_id)
        self._subsequences_by_parent.pop(campaign_id, None)
        self.campaign_tags.pop(campaign_id, None)
        self.shared_until.pop(campaign_id, None)
        self.launched.discard(campaign_id)
        for email in self.leads_by_campaign.pop(campaign_id, ()):
            holders = self.leads_by_email.get(email)
            if holders is not None:
                holders.discard(campaign_id)
                if not holders:
                    del self.leads_by_email[email]
        return campaign

    def add_lead(self, campaign_id: str, email: str) -> None:
        key = email.lower()
        self.leads_by_email.setdefault(key, set()).add(campaign_id)
        self.leads_by_campaign.setdefault(campaign_id, set()).add(key)

    # -- subsequences ----------------------------------------------------------

    def put_subsequence(self, subsequence: JSONObj) -> JSONObj:
        sub_id = subsequence["id"]
        old = self.subsequences.get(sub_id)
        if old is not None and old.get("parent_campaign") != subsequence.get("parent_campaign"):
            self._parent_index(old.get("parent_campaign")).discard(sub_id)
        self.subsequences[sub_id] = subsequence
        self._subsequence_index.add(sub_id)
        self._parent_index(subsequence.get("parent_campaign")).add(sub_id)
        return subsequence

    def delete_subsequence(self, sub_id: str) -> JSONObj:
        subsequence = self.subsequences.pop(sub_id)
        self._subsequence_index.discard(sub_id)
        self._parent_index(subsequence.get("parent_campaign")).discard(sub_id)
        return subsequence

    def _parent_index(self, parent: Any) -> _SortedIds:
        key = str(parent)
        index = self._subsequences_by_parent.get(key)
        if index is None:
            index = self._subsequences_by_parent[key] = _SortedIds()
        return index

    def _children(self, campaign_id: str) -> list[str]:
        self._sync()
        index = self._subsequences_by_parent.get(campaign_id)
        return list(index.ids) if index is not None else []

    def subsequences_of(self, campaign_id: str) -> list[JSONObj]:
        subs = self.subsequences
        return [subs[i] for i in self._children(campaign_id) if i in subs]

    # -- listing -----------------------------------------------------------------

    def _sync(self) -> None:
        # Tests may edit ``fake.campaigns`` / ``fake.subsequences`` directly;
        # a size mismatch is the cheap signal that the indexes need rebuilding.
        if len(self._campaign_index.ids) != len(self.campaigns):
            self._campaign_index.rebuild(iter(self.campaigns))
        if len(self._subsequence_index.ids) != len(self.subsequences):
            self._subsequence_index.rebuild(iter(self.subsequences))
            self._subsequences_by_parent = {}
            for sub_id, sub in self.subsequences.items():
                self._parent_index(sub.get("parent_campaign")).add(sub_id)

    def campaign_ids(self) -> list[str]:
        self._sync()
        return self._campaign_index.ids

    def subsequence_ids(self, parent: str | None = None) -> list[str]:
        self._sync()
        if parent is None:
            return self._subsequence_index.ids
        index = self._subsequences_by_parent.get(parent)
        return index.ids if index is not None else []


def page(
    ids: list[str],
    table: dict[str, JSONObj],
    *,
    starting_after: str | None,
    limit: int,
    keep: Callable[[JSONObj], bool] | None,
    cursor_on_last_page: bool,
) -> JSONObj:
    """One cursor page: items with id > ``starting_after``, in id order.

    Because the cursor is an id bound rather than an offset, items created or
    deleted between two requests never make a page repeat or skip an item that
    existed throughout.
    """
    start = bisect.bisect_right(ids, starting_after) if starting_after else 0
    items: list[JSONObj] = []
    more = False
    for i in range(start, len(ids)):
        record = table.get(ids[i])
        if record is None or (keep is not None and not keep(record)):
            continue
        if len(items) == limit:
            more = True
            break
        items.append(record)
    result: JSONObj = {"items": items}
    if items and (more or cursor_on_last_page):
        result["next_starting_after"] = items[-1]["id"]
    return result
