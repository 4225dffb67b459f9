package io.fastgpu.emulator.aliyun;

import java.util.List;

/** A VPC as stored and persisted; Pending then Available, derived from {@code creationTime}. */
record VpcRecord(String vpcId, String regionId, String vpcName, String description, String cidrBlock,
        String vRouterId, String routeTableId, String creationTime, List<Tag> tags) {

    VpcRecord {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    VpcRecord withTags(List<Tag> newTags) {
        return new VpcRecord(vpcId, regionId, vpcName, description, cidrBlock, vRouterId, routeTableId, creationTime,
                newTags);
    }
}
