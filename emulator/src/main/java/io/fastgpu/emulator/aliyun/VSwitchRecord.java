package io.fastgpu.emulator.aliyun;

import java.util.List;

/** A vSwitch (subnet of a VPC in one zone) as stored and persisted. */
record VSwitchRecord(String vSwitchId, String regionId, String vpcId, String zoneId, String vSwitchName,
        String description, String cidrBlock, String creationTime, List<Tag> tags) {

    VSwitchRecord {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    VSwitchRecord withTags(List<Tag> newTags) {
        return new VSwitchRecord(vSwitchId, regionId, vpcId, zoneId, vSwitchName, description, cidrBlock,
                creationTime, newTags);
    }
}
